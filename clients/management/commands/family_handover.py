"""The daily handover at adulthood: run it once a day from a scheduler (cron, a systemd timer).

Every parent's and guardian's family link whose client has reached their practice's age of
adulthood (by the practice's own date) is suspended, the history records it, and the provider
sees a review on the client's family page. The portal also checks it on every request of the
family member, so a day without this run lets nobody through.
"""

from django.core.management.base import BaseCommand

from clients.services import family_links_hand_over


class Command(BaseCommand):
    help = "Suspend parents' and guardians' family access of clients who have become adults."

    def handle(self, *args, **options):
        count = family_links_hand_over()
        self.stdout.write(f"Family access suspended at adulthood: {count}")
