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
    help = "Create or update a user with a role and the units it acts for."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", action="append", default=[], metavar="CODE")
        parser.add_argument("--password")
        parser.add_argument("--email", default=None)

    def handle(self, *args, username, role, unit, password, email, **options):
        codes = list(dict.fromkeys(unit))
        units = sorted(Unit.objects.filter(code__in=codes), key=lambda u: codes.index(u.code))
        unknown = sorted(set(codes) - {u.code for u in units})
        if unknown:
            raise CommandError(f"unknown unit code(s): {', '.join(unknown)}")
        if role != Role.ADMIN and not units:
            raise CommandError(f"a {role} needs at least one --unit")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
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
        if generated:
            self.stdout.write(f"password: {password}")
