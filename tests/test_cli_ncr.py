"""`threadline ncr …`: a quality engineer lists, reads and dispositions nonconformances from the terminal."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.models import Item, ItemStatus, Role
from app.services.demo import DEMO_PASSWORD, build_demo_plant
from tests.test_cli import threadline


def test_a_quality_engineer_dispositions_an_open_nonconformance(db_url, factory, admin):
    plant = build_demo_plant(factory, admin, units=150, seed=11)
    engineer = next(name for name, role in plant.logins.items() if role == Role.QUALITY_ENGINEER.value)
    operator = next(name for name, role in plant.logins.items() if role == Role.OPERATOR.value)

    listed = threadline("ncr", "list", "--open", "--json", db=db_url)
    assert listed.returncode == 0, listed.stderr
    open_ones = json.loads(listed.stdout)
    held = next(n for n in open_ones if any(i["status"] == ItemStatus.ON_HOLD.value for i in n["items"]))
    code = next(i["identifier"] for i in held["items"] if i["status"] == ItemStatus.ON_HOLD.value)

    refused = threadline("ncr", "disposition", held["number"], "use-as-is", "--note", "within concession",
                         "--as", operator, db=db_url, stdin=DEMO_PASSWORD + "\n")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    with factory() as session:
        assert session.scalar(select(Item.status).where(Item.code == code)) is ItemStatus.ON_HOLD

    decided = threadline("ncr", "disposition", held["number"], "use-as-is", "--note", "Concession C-17 by the "
                         "customer", "--as", engineer, db=db_url, stdin=DEMO_PASSWORD + "\n")
    assert decided.returncode == 0, decided.stderr
    assert "use as is" in decided.stdout and "Concession C-17" in decided.stdout

    shown = json.loads(threadline("ncr", "show", held["number"], "--json", db=db_url).stdout)
    assert shown["status"] != "open" and shown["disposition"] == "use_as_is" and shown["note"].startswith("Conc")
    with factory() as session:
        assert session.scalar(select(Item.status).where(Item.code == code)) is not ItemStatus.ON_HOLD

    again = threadline("ncr", "disposition", held["number"], "scrap", "--note", "x", "--as", engineer,
                       db=db_url, stdin=DEMO_PASSWORD + "\n")
    assert again.returncode != 0 and "already been dispositioned" in again.stderr


def test_an_unknown_number_is_a_sentence(db_url, factory, admin):
    missing = threadline("ncr", "show", "NCR-99-9999", db=db_url)
    assert missing.returncode != 0 and "There is no nonconformance NCR-99-9999" in missing.stderr
