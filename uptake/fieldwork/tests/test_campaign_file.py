from __future__ import annotations

from django.conf import settings

from uptake.campaigns.loader import CampaignFileError, load_campaign, parse, read_file
from uptake.fieldwork.tests.base import STORE_LINKS, FieldworkTestCase, fieldwork_campaign
from uptake.units.models import Unit


def town_hamlets(data: dict) -> list[dict]:
    return data["units"][0]["units"][0]["units"][2]["units"]


class CampaignFileTestCase(FieldworkTestCase):
    def assertFileError(self, data: dict, key: str):
        with self.assertRaises(CampaignFileError) as caught:
            parse(data)
        self.assertEqual(caught.exception.key, key)

    def test_it_writes_the_households_of_each_hamlet(self):
        self.assertEqual(self.k1.households, 620)
        self.assertEqual(self.k1.parent, self.town)
        self.assertIsNone(self.town.households)

    def test_reloading_updates_households(self):
        data = fieldwork_campaign()
        town_hamlets(data)[0]["households"] = 700
        load_campaign(data)
        self.assertEqual(Unit.objects.get(code="870-TTT-K1").households, 700)

    def test_only_a_hamlet_has_households(self):
        data = fieldwork_campaign()
        data["units"][0]["units"][0]["units"][2]["households"] = 10
        self.assertFileError(data, "units[0].units[0].units[2].households")

    def test_households_are_a_whole_number_of_zero_or_more(self):
        data = fieldwork_campaign()
        town_hamlets(data)[0]["households"] = -3
        self.assertFileError(data, "units[0].units[0].units[2].units[0].households")

    def test_a_hamlet_lies_under_a_commune_town_or_ward(self):
        data = fieldwork_campaign()
        data["units"][0]["units"][0]["units"].append(
            {"code": "870-X", "name": "Ấp Lạc", "kind": "hamlet"}
        )
        self.assertFileError(data, "units[0].units[0].units[4].kind")

    def test_store_links_are_kept_with_the_campaign(self):
        self.assertEqual(self.campaign.source["store_links"], STORE_LINKS)

    def test_store_links_must_be_web_addresses(self):
        self.assertFileError(
            fieldwork_campaign(store_links={"android": "bluezone", "ios": STORE_LINKS["ios"]}),
            "store_links.android",
        )
        self.assertFileError(
            fieldwork_campaign(store_links={"android": STORE_LINKS["android"]}), "store_links.ios"
        )

    def test_the_shipped_hong_ngu_file_has_hamlets_and_the_real_store_pages(self):
        spec = parse(read_file(settings.BASE_DIR / "campaigns" / "bluezone-hong-ngu-2020.yaml"))
        self.assertEqual(str(spec.store_links.android), STORE_LINKS["android"])
        self.assertEqual(str(spec.store_links.ios), STORE_LINKS["ios"])
        campaign, _stats = load_campaign(
            read_file(settings.BASE_DIR / "campaigns" / "bluezone-hong-ngu-2020.yaml")
        )
        hamlets = Unit.objects.filter(kind="hamlet", path__startswith=campaign.root.path)
        self.assertGreaterEqual(hamlets.filter(parent__code="870-TTT").count(), 3)
        self.assertGreaterEqual(hamlets.values("parent").distinct().count(), 3)
        self.assertTrue(all(300 <= h.households <= 900 for h in hamlets))
