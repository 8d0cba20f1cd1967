from django.dispatch import Signal

# Sent after a bulk import wrote new entries without saving them one by one (so
# no post_save was sent for them), inside the import's transaction.
# Arguments: page_ids, the primary keys of the new entries.
entries_imported = Signal()
