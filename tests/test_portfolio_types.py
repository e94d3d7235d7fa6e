"""The portfolio's privacy boundary is a type: the template gets printable values only.

Each test builds through the real CLI and catches the very ``Portfolio`` the
template is given, then walks everything reachable from it. A future field
that hands the template a model record, a loaded file or raw YAML data fails
here, whether or not the template happens to print it today.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import peerkit.portfolio
import peerkit.site
from conftest import DEMO_AS_OF, NOT_IN_AMARA, SAMPLE_AS_OF, run, write_sample
from peerkit.model import Goal

PLAIN = (str, int, float, bool, date, type(None))


def portfolios_given_to_the_template(monkeypatch, args: list[str]) -> list[object]:
    """Run the CLI and keep each portfolio the template renders."""
    seen: list[object] = []
    render = peerkit.site.render_portfolio

    def spy(portfolio, **options):
        seen.append(portfolio)
        return render(portfolio, **options)

    monkeypatch.setattr(peerkit.site, "render_portfolio", spy)
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert seen
    return seen


def reachable(root: object) -> Iterator[tuple[str, object]]:
    """Every object reachable from ``root`` through attributes, items and keys, with its path.

    Deliberately generic (``vars``, ``__slots__``, any container), so it also
    walks into objects the portfolio should never hold.
    """
    stack, visited = [("p", root)], set()
    while stack:
        path, obj = stack.pop()
        if id(obj) in visited:
            continue
        visited.add(id(obj))
        yield path, obj
        if isinstance(obj, PLAIN):
            continue
        if isinstance(obj, dict):
            stack += [(f"{path}[{k!r}] (key)", k) for k in obj]
            stack += [(f"{path}[{k!r}]", v) for k, v in obj.items()]
        elif isinstance(obj, (tuple, list, set, frozenset)):
            stack += [(f"{path}[{i}]", item) for i, item in enumerate(obj)]
        else:
            attributes = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
            for name in getattr(type(obj), "__slots__", ()):
                if hasattr(obj, name):
                    attributes[name] = getattr(obj, name)
            stack += [(f"{path}.{name}", value) for name, value in attributes.items()]


def not_printable(portfolio: object) -> list[str]:
    """Paths to anything that is neither a plain value, a tuple, nor a portfolio type.

    No dicts or lists at all: raw YAML data is made of them.
    """
    wrong = []
    for path, obj in reachable(portfolio):
        if type(obj) in PLAIN or type(obj) is tuple:
            continue
        if type(obj).__module__ == peerkit.portfolio.__name__ and hasattr(obj, "__dataclass_fields__"):
            continue
        wrong.append(f"{path}: {type(obj).__module__}.{type(obj).__qualname__}")
    return wrong


def test_every_demo_portfolio_holds_only_plain_values_and_portfolio_types(monkeypatch, tmp_path, demo):
    portfolios = portfolios_given_to_the_template(
        monkeypatch, ["build", str(demo), "-o", str(tmp_path / "site"), "--as-of", DEMO_AS_OF, "--no-pdf"])
    assert len(portfolios) == len(list((demo / "supporters").glob("*.yaml")))
    wrong = [not_printable(p)[:5] for p in portfolios if not_printable(p)]
    assert wrong == []


def test_the_walk_catches_a_record_or_raw_data_hidden_anywhere(monkeypatch, tmp_path):
    """The check above can fail: a model object or raw YAML data planted deep inside is found."""
    records = write_sample(tmp_path / "records")
    [amara] = portfolios_given_to_the_template(
        monkeypatch, ["portfolio", "amara", str(records), "-o", str(tmp_path / "out"), "--as-of", SAMPLE_AS_OF,
                      "--no-pdf"])
    planted = dataclasses.replace(amara, goals=(*amara.goals, Goal("a goal", None, None, "planned")),
                                  mix=(("course", {"raw": ["data"]}),))
    assert sorted(not_printable(planted)) == [
        f"p.goals[{len(amara.goals)}]: peerkit.model.Goal",
        "p.mix[0][1]: builtins.dict",
        "p.mix[0][1]['raw']: builtins.list",
    ]


def test_nothing_the_portfolio_leaves_out_is_even_reachable_from_it(monkeypatch, tmp_path):
    """Supporter notes, other people's records, unshared supervision: not in the object at all.

    The HTML and PDF tests (tests/test_portfolio.py) show these markers are not
    printed; this shows no template could print them, whatever it did.
    """
    records = write_sample(tmp_path / "records")
    [amara] = portfolios_given_to_the_template(
        monkeypatch, ["portfolio", "amara", str(records), "-o", str(tmp_path / "out"), "--as-of", SAMPLE_AS_OF,
                      "--no-pdf"])
    text = [obj for _, obj in reachable(amara) if isinstance(obj, str)]
    assert any("Ownreflectionmarker" in t for t in text)  # the walk reaches the text, so absence means something
    assert [m for m in NOT_IN_AMARA if any(m in t for t in text)] == []
