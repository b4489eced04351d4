"""Indexes for the review queue's keyset paging (vigil.web.review.queue).

Database-only: the review app owns how items are paged, so the Item model's state does not
carry these indexes and later `makemigrations` runs leave them alone.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_item_match_category_item_match_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # review order: one status after the other, triage order (id) within it
                migrations.AddIndex(
                    model_name="item",
                    index=models.Index(
                        fields=["case", "match_status", "id"], name="item_review_queue"
                    ),
                ),
                # triage order over the whole case (PostgreSQL; SQLite's case index has it)
                migrations.AddIndex(
                    model_name="item",
                    index=models.Index(fields=["case", "id"], name="item_case_triage_order"),
                ),
            ],
            state_operations=[],
        ),
    ]
