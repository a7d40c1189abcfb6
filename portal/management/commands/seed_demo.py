"""Create (or bring back to) the demo practice. Safe to run any number of times."""

from django.core.management.base import BaseCommand

from portal.management import demo


class Command(BaseCommand):
    help = "Create the demo practice, its providers, groups, clients and portal content."

    def handle(self, *args, **options):
        demo.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo practice {demo.PRACTICE!r} is ready."))
        self.stdout.write("\n" + demo.LOGINS)
        self.stdout.write(f"Also {len(demo.CLIENTS) - 1} more clients, e.g. ana.lopez@demo.test.")
