"""Record when dated values started and ended, and email the clients they changed: run it from
a scheduler (cron, a systemd timer), hourly or daily, like family_handover.

A dated value holds from its start until its end whether or not this runs (the resolver applies
it when read); this writes the History's entries at those moments and sends the emails a
practice asks for. Idempotent: a missed or repeated run records each moment once.
"""

from django.core.management.base import BaseCommand

from portal_settings.dated_events import dated_values_record


class Command(BaseCommand):
    help = "Record the starts and ends of dated portal settings, and email the clients."

    def handle(self, *args, **options):
        count = dated_values_record()
        self.stdout.write(f"Dated values started or ended, recorded: {count}")
