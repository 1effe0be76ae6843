from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readiness.demo.emulator.ca import ca_ensure
from readiness.demo.emulator.server import EmulatorServer, emulator_state_build


class Command(BaseCommand):
    help = ("Serve a local Microsoft 365 stand-in (login, Graph, Exchange admin API) over "
            "HTTPS for the demo universe. See docs/operations.md.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8443)
        parser.add_argument("--faults", default="",
                            help="e.g. 429=0.2,429-no-retry-after=0.1,503=0.1,latency=200ms,"
                                 "truncate=0.5")
        parser.add_argument("--fault-seed", type=int, default=0)
        parser.add_argument("--tenants", type=int, default=3)
        parser.add_argument("--mailboxes", type=int, default=40)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--graph-page-size", type=int, default=1000)
        parser.add_argument("--exchange-page-size", type=int, default=1000)

    def handle(self, *args, **o):
        try:
            state = emulator_state_build(
                seed=o["seed"], tenants=o["tenants"], mailboxes=o["mailboxes"],
                days=o["days"], faults=o["faults"], fault_seed=o["fault_seed"],
                graph_page_size=o["graph_page_size"],
                exchange_page_size=o["exchange_page_size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        ca_path, cert, key = ca_ensure(Path(settings.DATA_DIR) / "emulator")
        server = EmulatorServer(state, certfile=cert, keyfile=key, host=o["host"],
                                port=o["port"])
        base = server.base_url
        self.stdout.write(f"Microsoft 365 emulator on {base}\nCA certificate: {ca_path}\n"
                          "Point the product at it with:\n"
                          f"  export M365_LOGIN_URL={base}\n"
                          f"  export M365_GRAPH_URL={base}/graph\n"
                          f"  export M365_EXCHANGE_URL={base}/exchange\n"
                          f"  export REQUESTS_CA_BUNDLE={ca_path}")
        for tenant in state.tenants.values():
            self.stdout.write(f"  tenant {tenant.slug}: {tenant.tenant_id} (P1 "
                              f"{'yes' if tenant.has_p1 else 'no'}, Exchange role "
                              f"{'yes' if tenant.has_directory_role else 'no'})")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.stop()
