"""Child process: what the oversight benchmark database holds, and its 20-kecamatan kabupaten.

Usage: python -m bench._oversight_sizes KABUPATEN...
Prints one JSON object: row counts and `twenty`, a kabupaten of exactly 20 kecamatan (one of
the given ones when there is one).
"""

from __future__ import annotations

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db.models import Count

    from accounts.models import AuditEvent
    from datavalues.approval import PeriodApproval
    from datavalues.models import DataValue
    from planning.cohorts import CohortMember
    from planning.evaluation import ApbdesEvaluation
    from planning.followups import FollowUp
    from planning.proposals import Proposal
    from regions.models import Level, Region

    given = sys.argv[1:]
    twenty = list(
        Region.objects.filter(level=Level.KABUPATEN)
        .annotate(n=Count("children"))
        .filter(n=20)
        .order_by("code")
        .values_list("code", flat=True)
    )
    chosen = next((c for c in twenty if c in given), twenty[0])
    print(
        json.dumps(
            {
                "twenty": chosen,
                "twenty_desa": Region.objects.filter(
                    parent__parent_id=chosen, level=Level.DESA
                ).count(),
                "regions": Region.objects.count(),
                "values": DataValue.objects.count(),
                "cohort_members": CohortMember.objects.count(),
                "approvals": PeriodApproval.objects.count(),
                "follow_ups": FollowUp.objects.count(),
                "proposals": Proposal.objects.count(),
                "evaluations": ApbdesEvaluation.objects.count(),
                "audit_events": AuditEvent.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
