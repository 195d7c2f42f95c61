"""The campaign file's ``jobs`` (the scheduler's times) and ``webhooks`` (URL, secret, events)."""

from __future__ import annotations

from datetime import time

import pytest
import yaml

from uptake.campaigns.loader import JOB_KEYS, CampaignFileError, parse
from uptake.notify.jobs import job_times
from uptake.notify.models import Job
from uptake.test import campaign_data

HOOK = {"url": "https://zalo-bridge.example.org/uptake", "secret": "0123456789abcdef"}


def test_the_times_default_to_the_issues_and_follow_the_deadlines():
    spec = parse(campaign_data())
    assert spec.jobs.model_dump() == {
        "morning_reminder": "08:00",
        "afternoon_reminder": "14:00",
        "overdue": None,
        "compile": None,
        "leaders_summary": "17:00",
    }
    assert spec.webhooks == []


def test_every_job_can_be_moved():
    jobs = {
        "morning_reminder": "07:30",
        "afternoon_reminder": "13:00",
        "overdue": "15:05",
        "compile": "16:15",
        "leaders_summary": "18:00",
    }
    spec = parse(campaign_data(jobs=jobs))
    assert spec.jobs.model_dump() == jobs


def test_the_event_names_are_the_schedulers_jobs():
    assert set(JOB_KEYS) == set(Job.values)


@pytest.mark.django_db
def test_the_scheduler_reads_the_times_from_the_loaded_campaign():
    from uptake.campaigns.loader import load_campaign

    campaign, _stats = load_campaign(campaign_data(report_due="16:00", jobs={"compile": "17:45"}))
    times = job_times(campaign)
    assert times[Job.MORNING_REMINDER] == time(8, 0)
    assert times[Job.OVERDUE] == time(16, 0)
    assert times[Job.COMPILE] == time(17, 45)
    assert times[Job.LEADERS_SUMMARY] == time(17, 0)


def test_webhooks_are_read_with_their_events():
    spec = parse(campaign_data(webhooks=[HOOK, {**HOOK, "events": ["overdue", "send"]}]))
    assert [h.events for h in spec.webhooks] == [None, ["overdue", "send"]]
    assert spec.model_dump(mode="json")["webhooks"][0]["secret"] == HOOK["secret"]


@pytest.mark.parametrize(
    "change, key, message",
    [
        ({"jobs": {"morning_reminder": "8:00"}}, "jobs.morning_reminder", '"HH:MM"'),
        ({"jobs": {"compile": "24:00"}}, "jobs.compile", '"HH:MM"'),
        ({"jobs": {"leaders_summary": 1020}}, "jobs.leaders_summary", "in quotes"),
        ({"jobs": {"lunch": "12:00"}}, "jobs.lunch", "unknown key"),
        ({"webhooks": [{**HOOK, "url": "ftp://example.org/x"}]}, "webhooks[0].url", "http://"),
        ({"webhooks": [{**HOOK, "url": "zalo"}]}, "webhooks[0].url", "https://"),
        ({"webhooks": [HOOK, {**HOOK, "secret": "short"}]}, "webhooks[1].secret", "16"),
        ({"webhooks": [{"url": HOOK["url"]}]}, "webhooks[0].secret", "Field required"),
        ({"webhooks": [{**HOOK, "events": ["lunch"]}]}, "webhooks[0].events", "unknown event"),
        ({"webhooks": [{**HOOK, "events": []}]}, "webhooks[0].events", "at least 1"),
        ({"webhooks": [{**HOOK, "token": "x"}]}, "webhooks[0].token", "unknown key"),
    ],
)
def test_a_bad_job_time_or_webhook_names_its_key(change, key, message):
    with pytest.raises(CampaignFileError) as caught:
        parse(campaign_data(**change))
    assert caught.value.key == key
    assert message in caught.value.message


def test_an_unquoted_time_in_yaml_is_explained():
    data = yaml.safe_load("jobs:\n  leaders_summary: 17:00\n")  # YAML 1.1 reads 1020
    with pytest.raises(CampaignFileError) as caught:
        parse(campaign_data(**data))
    assert caught.value.key == "jobs.leaders_summary"


def test_auto_send_is_off_unless_the_file_says_so():
    assert parse(campaign_data()).auto_send is False
    assert parse(campaign_data(auto_send=True)).auto_send is True
    assert parse(campaign_data(**yaml.safe_load("auto_send: yes"))).auto_send is True


def test_an_auto_send_that_is_not_true_or_false_is_refused_by_name():
    with pytest.raises(CampaignFileError) as refused:
        parse(campaign_data(auto_send="sometimes"))
    assert refused.value.key == "auto_send"


@pytest.mark.django_db
def test_the_loaded_campaign_sends_automatically_only_with_auto_send():
    from uptake.campaigns.loader import load_campaign
    from uptake.campaigns.scope import Scope

    def top_sends(campaign) -> bool:
        return Scope.system(campaign).top.auto_send

    campaign, _stats = load_campaign(campaign_data())
    assert top_sends(campaign) is False
    campaign, _stats = load_campaign(campaign_data(auto_send=True))
    assert top_sends(campaign) is True
    with pytest.raises(CampaignFileError):
        load_campaign(campaign_data(auto_send="sometimes"))
    campaign.refresh_from_db()
    assert top_sends(campaign) is True  # the refused file changed nothing
