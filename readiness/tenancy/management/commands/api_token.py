"""api_token create --user U [--name N] | list [--user U] | revoke --user U"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from readiness.core.text import reveal_controls
from readiness.tenancy.models import ApiToken
from readiness.tenancy.tokens import api_token_create, api_tokens_revoke


class Command(BaseCommand):
    help = ("Create, list or revoke API tokens. A token is printed once, when created; "
            "only its digest is stored.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("--user", help="username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, action, user, name, **opts):
        account = self._user(user) if user else None
        if action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("user__username", "pk")
            for token in tokens.filter(user=account) if account else tokens:
                self.stdout.write(reveal_controls(
                    f"{token.user.get_username()}  {token.prefix}…  {token.name}  "
                    f"created {token.created_at:%Y-%m-%d}  last used "
                    f"{token.last_used_at or 'never'}"))
            return
        if account is None:
            raise CommandError(f"{action} needs --user")
        if action == "create":
            _token, raw = api_token_create(user=account, name=name, source="cli")
            self.stdout.write(raw)
            self.stderr.write("Store this token now: it is not shown again.")
        else:
            self.stdout.write(f"revoked {api_tokens_revoke(user=account)} token(s)")

    @staticmethod
    def _user(username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user
