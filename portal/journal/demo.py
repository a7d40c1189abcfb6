"""Demo journal: four days of Casey's entries."""

import datetime as dt

from django.utils import timezone

from portal.journal.models import JournalEntry
from portal.journal.services import journal_entry_create

ENTRIES = [
    (3, "food", "Oats with berries, a sandwich and soup."),
    (2, "mood", "Tired in the morning, better after lunch."),
    (1, "activity", "Walked home from school: 25 minutes."),
    (0, "note", "Remember to ask about the sleep diary."),
]


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    if JournalEntry.objects.filter(client=casey).exists():
        return
    today = timezone.localdate()
    for days_ago, category, text in ENTRIES:
        journal_entry_create(
            client=casey,
            entry_date=today - dt.timedelta(days=days_ago),
            category=category,
            text=text,
        )
