"""API v1: a user's own notifications (mounted on uptake.api.api)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema, Status

from uptake.api.base import ErrorOut, offset_query, paged
from uptake.notify.actions import mark_read
from uptake.notify.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    campaign: str | None
    date: dt.date | None
    created_at: dt.datetime
    read: bool


def notification_out(n: Notification) -> dict:
    title, body = n.text()
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": title,
        "body": body,
        "url": n.url,
        "campaign": n.params.get("slug"),
        "date": n.day,
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


@router.get(
    "/notifications",
    response={200: list[NotificationOut], 401: ErrorOut},
    summary="Your notifications, newest first",
)
def list_notifications(
    request,
    response: HttpResponse,
    unread: bool = False,
    limit: int = 50,
    offset: int = offset_query(),
):
    mine = Notification.objects.filter(user=request.user).only(
        "kind", "params", "url", "day", "created_at", "read_at"
    )
    if unread:
        mine = mine.filter(read_at__isnull=True)
    return paged(
        request,
        response,
        mine.order_by("-created_at", "-pk"),
        notification_out,
        limit=limit,  # kept between 1 and 200, as before paging
        offset=offset,
        max_limit=200,
    )


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 401: ErrorOut, 404: ErrorOut},
    summary="Mark one of your notifications read",
)
def read_notification(request, notification_id: int):
    notification = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if notification is None:
        return Status(404, {"errors": [{"field": "id", "message": "No such notification."}]})
    mark_read(request.user, [notification.pk])
    notification.refresh_from_db()
    return notification_out(notification)
