"""What `make bench` and `make eval` measure: the app as Lambda runs it, the page, the answers."""
