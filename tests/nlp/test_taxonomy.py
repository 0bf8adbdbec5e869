"""The packaged taxonomy matches the contract keys."""
import dataclasses

import pytest

from nlp.taxonomy import Category, SubReason, load_taxonomy

CONTRACT_SUBREASONS = {
    "attitude.rude", "attitude.impatient", "attitude.phone_use", "attitude.tip_or_extra_charge",
    "attitude.careless_attitude", "skill.not_clean", "skill.damage", "skill.cooking",
    "skill.childcare_method", "skill.eldercare_method", "skill.appliance", "logistics.late",
    "logistics.no_show", "logistics.rescheduled", "logistics.missing_tools",
    "logistics.slow_dispatch",
}


def test_categories_and_subreasons():
    tax = load_taxonomy()
    assert tax.category_keys == ("attitude", "skill", "logistics")
    assert CONTRACT_SUBREASONS <= set(tax.subreason_keys)
    assert len(set(tax.subreason_keys)) == len(tax.subreason_keys)
    for key in tax.subreason_keys:
        assert key.split(".")[0] in tax.category_keys


def test_get_names_and_immutability():
    tax = load_taxonomy()
    cat = tax.get("logistics")
    assert isinstance(cat, Category) and cat.name_zh
    sub = tax.get("logistics.late")
    assert isinstance(sub, SubReason) and sub.name_zh == "迟到" and sub.category == "logistics"
    assert "logistics.late" in cat.subreason_keys
    assert all(c.name_zh and c.description for c in tax.categories)
    with pytest.raises(KeyError):
        tax.get("price")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cat.key = "x"  # type: ignore[misc]
    assert load_taxonomy() is tax
