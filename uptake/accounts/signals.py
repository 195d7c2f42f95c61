"""A change of a user's role, units or admin rights revokes the API tokens they minted on the
web (#15), whoever makes it: ``manage.py adduser``, Django's admin, any action or import.

A reporter's year-long token would otherwise carry a promotion to coordinator without the
second step of log-in, or keep reading units taken away from them. The user is told at their
next log-in; ``manage.py apitoken``'s tokens (the operator's, for scripts) are kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import ngettext

from uptake.accounts.models import ApiToken, Profile

ADMIN_FIELDS = ("is_superuser", "is_staff")


@receiver(pre_save, sender=Profile, dispatch_uid="uptake-profile-role-before")
def _note_role_before(sender, instance: Profile, raw=False, update_fields=None, **kwargs):
    instance._role_changed = False
    if raw or instance.pk is None or (update_fields is not None and "role" not in update_fields):
        return
    before = Profile.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    instance._role_changed = before is not None and before != instance.role


@receiver(post_save, sender=Profile, dispatch_uid="uptake-profile-role-revokes")
def _revoke_on_role_change(sender, instance: Profile, created=False, raw=False, **kwargs):
    if not raw and not created and getattr(instance, "_role_changed", False):
        ApiToken.revoke_web_tokens(instance.user_id)


@receiver(m2m_changed, sender=Profile.units.through, dispatch_uid="uptake-profile-units-revoke")
def _revoke_on_units_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return  # nothing added or removed
    if not reverse:  # profile.units.add/remove/set/clear
        ApiToken.revoke_web_tokens(instance.user_id)
        return
    # unit.profile_set.add(...): the profiles are pk_set (all of the unit's on clear: unknown
    # after the fact, so nobody; Django's admin and uptake never clear from the unit's side).
    for user_id in Profile.objects.filter(pk__in=pk_set or ()).values_list("user_id", flat=True):
        ApiToken.revoke_web_tokens(user_id)


@receiver(pre_save, sender=get_user_model(), dispatch_uid="uptake-user-admin-before")
def _note_admin_before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._admin_changed = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(ADMIN_FIELDS) & set(update_fields):
        return  # last_login on every log-in: no query
    before = sender.objects.filter(pk=instance.pk).values_list(*ADMIN_FIELDS).first()
    now = tuple(getattr(instance, name) for name in ADMIN_FIELDS)
    instance._admin_changed = before is not None and tuple(before) != now


@receiver(post_save, sender=get_user_model(), dispatch_uid="uptake-user-admin-revokes")
def _revoke_on_admin_change(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created and getattr(instance, "_admin_changed", False):
        ApiToken.revoke_web_tokens(instance.pk)


@receiver(user_logged_in, dispatch_uid="uptake-tell-revoked-tokens")
def _tell_revoked_tokens(sender, request, user, **kwargs):
    """At the log-in after the change: which tokens stopped working, and why."""
    pending = list(
        ApiToken.objects.filter(user=user, notice_pending=True).values_list("prefix", flat=True)
    )
    if not pending:
        return
    ApiToken.objects.filter(user=user, notice_pending=True).update(notice_pending=False)
    if request is None:
        return
    message = ngettext(
        "Your role or units changed, so your API token %(prefixes)s was revoked. Make a new "
        "one on your account page if you still need it.",
        "Your role or units changed, so your API tokens %(prefixes)s were revoked. Make new "
        "ones on your account page if you still need them.",
        len(pending),
    ) % {"prefixes": ", ".join(f"{p}…" for p in sorted(pending))}
    messages.warning(request, message, fail_silently=True)
