"""The cost tables (docs/costs.md): every row's arithmetic, the totals, and the prices they use."""

from __future__ import annotations

import ast
import operator
import re
from pathlib import Path

import pytest

COSTS = Path(__file__).resolve().parents[2] / "docs" / "costs.md"
TIMES, DIVIDED = "\u00d7", "\u00f7"  # how the page writes * and /
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
             ast.Div: operator.truediv}


def costs_section() -> str:
    return COSTS.read_text()


def tables(section: str) -> list[list[list[str]]]:
    """Each markdown table as rows of cells, header first, separator dropped."""
    found, current = [], []
    for line in [*section.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def evaluate(expression: str) -> float:
    """Arithmetic as the page writes it: 1,000 separators, dollar signs, times and divided by."""
    text = expression.replace(TIMES, "*").replace(DIVIDED, "/").replace(",", "").replace("$", "")
    assert re.fullmatch(r"[\d.+*/() -]+", text), expression

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.BinOp):
            return OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.Constant):
            return float(node.value)
        raise AssertionError(f"cannot evaluate {expression!r}")

    return value(ast.parse(text, mode="eval").body)


def stated(cell: str) -> tuple[float, float]:
    """A USD cell's value and half its last shown digit (the rounding it may carry)."""
    number = cell.strip("*")
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number), 0.5 * 10 ** -decimals


def prices() -> set[str]:
    [price_table] = [t for t in tables(costs_section()) if t[0] == ["price", "unit", "USD"]]
    return {row[2].removeprefix("$") for row in price_table[1:]}


def arithmetic_tables() -> list[list[list[str]]]:
    found = [t for t in tables(costs_section()) if t[0][1] == "arithmetic"]
    assert len(found) == 2
    return found


@pytest.mark.parametrize("table", arithmetic_tables(), ids=["always on", "per 1,000"])
def test_every_row_is_its_arithmetic(table: list[list[str]]) -> None:
    known = prices()
    above = 0.0
    for item, arithmetic, result in table[1:]:
        value, tolerance = stated(result)
        if arithmetic == "sum of the above":
            assert abs(above - value) <= tolerance, (item, above)
            continue
        exact = evaluate(arithmetic)
        assert abs(exact - value) <= tolerance + 1e-12, (item, exact, value)
        above += exact
        for price in re.findall(r"\$([\d.,]+)", arithmetic):
            assert price in known, f"{item}: ${price} is not in the price table"


def test_the_per_conversation_quantities_add_up() -> None:
    section = costs_section()
    # The narrative's own equations.
    tokens = re.search(rf"5 questions send ([\d {TIMES}+,]+) = ([\d,]+) tokens", section)
    assert tokens and evaluate(tokens.group(1)) == evaluate(tokens.group(2)) == 20_450
    seconds = re.search(rf"0\.5 GB {TIMES} \(([\d {TIMES}+.]+)\) s = ([\d.]+) GB-seconds",
                        section)
    assert seconds and 0.5 * evaluate(seconds.group(1)) == evaluate(seconds.group(2)) == 3.8
    # The table's quantities are a thousand conversations of them.
    rows = {row[0]: row[1] for row in arithmetic_tables()[1][1:]}
    assert rows["Lambda requests"].startswith("6,000 ")  # 6 API requests
    assert rows["API Gateway"].startswith("6,000 ")
    assert rows["CloudFront requests"].startswith("10,000 ")  # 10 CloudFront requests
    assert rows["Lambda compute"].startswith("3,800 ")  # 3.8 GB-seconds
    assert rows["Bedrock input tokens"].startswith("20,450,000 ")
    assert rows["Bedrock output tokens"].startswith("5,000,000 ")  # 5 answers of 1,000 tokens
    assert rows["CloudFront data"].startswith("0.075 ")  # 75 KB
    assert rows["S3 writes"].startswith("5,000 ") and rows["S3 reads"].startswith("5,000 ")
    total = next(row for row in arithmetic_tables()[1] if row[1] == "sum of the above")[2]
    assert f"About ${total.strip('*')} per thousand conversations" in section


def test_the_prices_carry_their_date_and_the_unconfirmed_ones_say_so() -> None:
    section = costs_section()
    assert re.search(r"looked up on \d{1,2} \w+ 20\d\d", section)
    marked = " ".join(row[0] for row in tables(section)[0][1:] if "(check)" in row[0])
    assert 'the three least certain are marked "check"' in section
    assert all(name in marked for name in ("CloudFront", "SnapStart", "Budgets"))
