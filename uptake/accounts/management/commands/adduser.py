from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from uptake.accounts.models import Profile, Role
from uptake.units.models import Unit


class Command(BaseCommand):
    help = (
        "Create or update a user with a role and the units it acts for. --unit replaces the "
        "user's units, --add-unit adds to them; what changed is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role", choices=Role.values, help="required for a new user; kept when omitted"
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            metavar="CODE",
            help="the units the user acts for, replacing the ones it had (repeatable)",
        )
        parser.add_argument(
            "--add-unit",
            action="append",
            default=[],
            metavar="CODE",
            help="a unit added to the user's units, the others kept (repeatable)",
        )
        parser.add_argument("--password")
        parser.add_argument("--email", default=None)

    def handle(self, *args, username, role, unit, add_unit, password, email, **options):
        codes = list(dict.fromkeys(unit + add_unit))
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        unknown = sorted(set(codes) - set(found))
        if unknown:
            raise CommandError(f"unknown unit code(s): {', '.join(unknown)}")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        profile = Profile.objects.filter(user=user).first() if user is not None else None
        before_role = profile.role if profile is not None else None
        before = list(profile.units.order_by("path")) if profile is not None else []
        if role is None:
            if before_role is None:
                raise CommandError("--role is required for a new user")
            role = before_role
        kept = [found[c] for c in dict.fromkeys(unit)] if unit else before
        units = list({u.pk: u for u in kept + [found[c] for c in add_unit]}.values())
        if role != Role.ADMIN and not units:
            raise CommandError(f"a {role} needs at least one --unit")
        generated = password is None and user is None
        if generated:
            password = secrets.token_urlsafe(12)
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("password: " + " ".join(exc.messages)) from None
        with transaction.atomic():
            created = user is None
            if created:
                user = User(username=username)
            if email is not None:
                user.email = email
            user.is_staff = user.is_superuser = role == Role.ADMIN
            if password is not None:
                user.set_password(password)
            user.save()
            profile, _ = Profile.objects.get_or_create(user=user)
            profile.role = role
            profile.save()
            profile.units.set(units)
        where = ", ".join(u.code for u in units) or "all units"
        self.stdout.write(f"{'created' if created else 'updated'} {username}: {role} of {where}")
        if not created:
            self._changes(before_role, role, before, units)
        if generated:
            self.stdout.write(f"password: {password}")

    def _changes(self, before_role, role, before: list[Unit], after: list[Unit]) -> None:
        """What an update changed, so that a replaced list of units never goes unnoticed."""
        if before_role is not None and before_role != role:
            self.stdout.write(f"role changed: {before_role} → {role}")
        old = {u.pk for u in before}
        new = {u.pk for u in after}
        added = [u.code for u in after if u.pk not in old]
        removed = [u.code for u in before if u.pk not in new]
        if added:
            self.stdout.write(f"units added: {', '.join(added)}")
        if removed:
            self.stdout.write(f"units removed: {', '.join(removed)}")
        if before_role == role and not added and not removed:
            self.stdout.write("role and units unchanged")
