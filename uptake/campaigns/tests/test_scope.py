"""Scope (#14): the one owner of what a person sees and does in a campaign."""

from __future__ import annotations

import pytest

from uptake.campaigns.loader import load_campaign
from uptake.campaigns.scope import NotCoordinating, OutOfScope, Scope
from uptake.campaigns.tests.test_levels import province_data
from uptake.test import BaseTestCase


class ScopeTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.campaign, _ = load_campaign(province_data())
        self.so = self.make_user("so", "coordinator", "87")  # Sở TT&TT, the province
        self.tanhong = self.make_user("tanhong", "coordinator", "869")
        self.office = self.make_user("office", "coordinator", "869-VHTT")
        self.leader = self.make_user("leader", "viewer", "87")

    def scope(self, user) -> Scope:
        return Scope.of(user, self.campaign)

    def level(self, code: str):
        return next(lv for lv in Scope.system(self.campaign).levels if lv.unit.code == code)

    def test_roots_are_the_tops_of_the_persons_units_in_the_campaign(self):
        assert [u.code for u in self.scope(self.minh).roots] == ["870"]
        assert [u.code for u in self.scope(self.so).roots] == ["87"]
        assert [u.code for u in self.scope(self.root).roots] == ["87"]
        assert [u.code for u in self.scope(self.lan).roots] == ["870-TTT"]

    def test_nested_units_give_one_root(self):
        both = self.make_user("both", "viewer", "870", "870-TTT")
        assert [u.code for u in self.scope(both).roots] == ["870"]

    def test_a_unit_above_the_campaign_stands_for_its_top(self):
        self.campaign.root = self.unit("870")
        self.campaign.save()
        assert [u.code for u in Scope.of(self.so, self.campaign).roots] == ["870"]

    def test_root_for_refuses_what_lies_outside(self):
        assert self.scope(self.minh).root_for("870-TTT").code == "870-TTT"
        with pytest.raises(OutOfScope):
            self.scope(self.minh).root_for("869-TH")
        with pytest.raises(OutOfScope):
            self.scope(self.minh).root_for("87")
        with pytest.raises(OutOfScope):
            self.scope(self.tuan).root_for("nope")
        assert self.scope(self.so).root_for("87").code == "87"

    def test_each_district_compiles_its_own_level_alone(self):
        hong_ngu, tan_hong, top = self.level("870"), self.level("869"), self.level("87")
        assert [lv.unit.code for lv in self.scope(self.minh).compiled_levels()] == ["870"]
        assert [lv.unit.code for lv in self.scope(self.tanhong).compiled_levels()] == ["869"]
        assert [lv.unit.code for lv in self.scope(self.office).compiled_levels()] == ["869"]
        assert [lv.unit.code for lv in self.scope(self.so).compiled_levels()] == ["87"]
        assert self.scope(self.root).may_compile(hong_ngu)
        assert not self.scope(self.hoa).may_compile(hong_ngu)  # a viewer
        assert not self.scope(self.lan).may_compile(hong_ngu)  # a reporter
        assert not self.scope(self.minh).may_compile(tan_hong)
        assert not self.scope(self.minh).may_compile(top)

    def test_a_district_reads_the_level_above_and_not_its_sibling(self):
        top, tan_hong = self.level("87"), self.level("869")
        assert self.scope(self.minh).may_read_level(top)
        assert self.scope(self.hoa).may_read_level(top)
        assert not self.scope(self.minh).may_read_level(tan_hong)
        assert not self.scope(self.lan).may_read_level(top)  # reporters read their own pages
        assert not self.scope(self.tuan).may_read_level(self.level("870"))
        assert self.scope(self.leader).may_read_level(tan_hong)
        assert self.scope(self.so).may_read_level(tan_hong)

    def test_level_for_takes_a_unit_or_an_office_code(self):
        assert self.scope(self.minh).level_for("870").unit.code == "870"
        assert self.scope(self.minh).level_for("870-VHTT").unit.code == "870"
        assert self.scope(self.minh).level_for(None).unit.code == "87"
        with pytest.raises(NotCoordinating):
            self.scope(self.minh).level_for("870-TTT")
        with pytest.raises(OutOfScope):
            self.scope(self.minh).level_for("869")

    def test_the_levels_below_the_province_are_its_districts(self):
        system = Scope.system(self.campaign)
        assert [lv.unit.code for lv in system.below(self.level("87"))] == ["869", "870"]
        assert system.below(self.level("870")) == []
        assert system.parent_of(self.level("869")).unit.code == "87"
        assert system.level_of(self.unit("870-TTT")).unit.code == "870"
        assert system.level_of(self.unit("87-STTTT")).unit.code == "87"

    def test_home_level_is_the_one_a_person_compiles_else_the_level_of_their_unit(self):
        assert self.scope(self.minh).home_level().unit.code == "870"
        assert self.scope(self.hoa).home_level().unit.code == "870"
        assert self.scope(self.leader).home_level().unit.code == "87"
        assert self.scope(self.tuan).home_level() is None
