"""Add one of a district's OpenID Connect sign-in providers (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chalkline.people.models import District, IdentityProvider
from chalkline.people.services.sign_in import configure_provider


class Command(BaseCommand):
    help = (
        "Add a sign-in provider (Google Workspace, Microsoft Entra ID or any OpenID Connect "
        "provider) for a district. The client secret stays on the server: name the environment "
        "variable (--secret-env) or the file (--secret-file) that holds it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's slug.")
        parser.add_argument("--slug", required=True, help="Short name, part of the callback URL.")
        parser.add_argument("--name", required=True, help='Shown as "Sign in with NAME".')
        parser.add_argument("--kind", required=True, choices=IdentityProvider.Kind.values)
        parser.add_argument("--issuer", required=True, help="The issuer URL, pinned.")
        parser.add_argument("--client-id", required=True)
        secret = parser.add_mutually_exclusive_group(required=True)
        secret.add_argument("--secret-env", default="", help="Environment variable's name.")
        secret.add_argument("--secret-file", default="", help="Path of the file.")
        parser.add_argument("--domains", default="", help="Comma-separated; default: all.")
        parser.add_argument("--tenant-id", default="", help="Entra ID's tenant (required).")
        parser.add_argument("--hd", default="", help="Google Workspace's domain (required).")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["district"]).first()
        if district is None:
            raise CommandError(f"No district {options['district']!r}.")
        kind = options["kind"]
        if kind == IdentityProvider.Kind.ENTRA and not options["tenant_id"]:
            raise CommandError("Entra ID needs --tenant-id.")
        if kind == IdentityProvider.Kind.GOOGLE and not options["hd"]:
            raise CommandError("Google Workspace needs --hd (the Workspace domain).")
        if IdentityProvider.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"A provider {options['slug']!r} exists already.")
        provider = configure_provider(
            by=None,
            district=district,
            slug=options["slug"],
            name=options["name"],
            kind=kind,
            issuer=options["issuer"],
            client_id=options["client_id"],
            client_secret_env=options["secret_env"],
            client_secret_file=options["secret_file"],
            allowed_domains=options["domains"],
            tenant_id=options["tenant_id"],
            hosted_domain=options["hd"],
        )
        self.stdout.write(
            f"Added {provider.name} for {district.name}; register the callback "
            f"https://<your host>/accounts/sign-in/{provider.slug}/callback/ at the provider."
        )
