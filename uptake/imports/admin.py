"""Accounts in bulk in Django's admin: "Add account import" is the upload (check, then create
and download the slips, once); the list keeps who imported which file, when."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from uptake.imports import accounts
from uptake.imports.models import AccountImport, Contact, QueuedReceipt


class AccountFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file (UTF-8)"),
        help_text=gettext_lazy(
            "Header: username,full_name,role,units,email,phone; units separated by spaces."
        ),
    )
    create = forms.BooleanField(
        label=gettext_lazy("Create the accounts now (otherwise only check the file)"),
        required=False,
    )


@admin.register(AccountImport)
class AccountImportAdmin(admin.ModelAdmin):
    list_display = ("at", "filename", "created", "by")
    readonly_fields = ("at", "by", "filename", "created", "usernames")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not (request.user.is_superuser or request.user.has_perm("auth.add_user")):
            raise PermissionDenied
        form = AccountFileForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import accounts"),
            "errors": [],
            "checked": [],
        }
        if request.method == "POST" and form.is_valid():
            sent = form.cleaned_data["file"]
            data = sent.read(accounts.MAX_BYTES + 1)
            create = form.cleaned_data["create"]
            try:
                created = accounts.create(
                    data, filename=sent.name, by=request.user, dry_run=not create
                )
            except accounts.AccountsInvalid as exc:
                context["errors"] = [str(e) for e in exc.errors]
            else:
                if not create:
                    context["checked"] = created.accounts
                    messages.info(request, _("The file is right: tick the box to create them."))
                else:
                    # The passwords exist only in this answer: the PDF, downloaded once.
                    response = HttpResponse(created.slips_pdf(), content_type="application/pdf")
                    name = f"slips-{timezone.now():%Y%m%d-%H%M%S}.pdf"
                    response["Content-Disposition"] = f'attachment; filename="{name}"'
                    response["Cache-Control"] = "no-store"
                    return response
        return TemplateResponse(request, "imports/admin_accounts.html", context)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "batch")
    search_fields = ("user__username", "phone")


@admin.register(QueuedReceipt)
class QueuedReceiptAdmin(admin.ModelAdmin):
    list_display = ("revision", "pressed_at")
    list_select_related = ("revision__report__unit",)
