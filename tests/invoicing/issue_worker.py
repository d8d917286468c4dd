"""Run as a separate process by test_concurrency: issue the given drafts, print the numbers.

Usage: python issue_worker.py MEMBERSHIP_ID DOCUMENT_ID... (DATABASE_URL names the test DB)
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturo.settings")
django.setup()

from fakturo.accounts.models import Membership  # noqa: E402
from fakturo.invoicing.services import document_issue  # noqa: E402

membership = Membership.objects.select_related("organization", "user").get(pk=sys.argv[1])
for document_id in sys.argv[2:]:
    print(document_issue(membership=membership, document_id=document_id).number, flush=True)
