"""Usulan Musrenbang: proposals a desa brings, the camat agrees, an OPD takes or declines.

A proposal carries the proposing desa (and dusun), the problem with its evidence (indicator,
value, target, people affected — filled from the figures of the evidence year), the
activity with volume, unit, estimated cost and fund source, the OPD, and its priority
order and score at the kecamatan. Its status runs

    diusulkan → disepakati (Musrenbang kecamatan) → diterima ke Renja OPD / ditolak / ditunda

with the reason and year of each decision. Every change adds a `ProposalChange` row
(`create_proposal`, `change_status`, `rank`); views audit them. An escalation (a
follow-up owned by an OPD, planning/escalations.py) can become a proposal
(`initial_from_follow_up`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from analytics.figures import Place, compute_figures
from analytics.gaps import people_behind
from catalog.models import Indicator
from planning.activities import Opd
from planning.followups import FollowUp
from planning.recommendations import year_of
from regions.models import Level, Region


class ProposalStatus(models.TextChoices):
    PROPOSED = "diusulkan", _("diusulkan")
    AGREED = "disepakati", _("disepakati di Musrenbang kecamatan")
    ACCEPTED = "diterima", _("diterima ke Renja OPD")
    REJECTED = "ditolak", _("ditolak")
    POSTPONED = "ditunda", _("ditunda")


OPD_DECISIONS = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.POSTPONED)


class FundingSource(models.TextChoices):
    APBD_KAB = "apbd_kab", _("APBD kabupaten/kota")
    APBD_PROV = "apbd_prov", _("APBD provinsi")
    APBN = "apbn", _("APBN")
    DAK = "dak", _("DAK")
    OTHER = "lain", _("Sumber lain")


class Proposal(models.Model):
    desa = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("desa")
    )
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun rencana"))
    follow_up = models.ForeignKey(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("dari tindak lanjut"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indikator"),
    )
    evidence_year = models.PositiveSmallIntegerField(_("tahun data bukti"), null=True, blank=True)
    value = models.FloatField(_("nilai"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    people_affected = models.PositiveIntegerField(_("warga terdampak"), null=True, blank=True)
    problem = models.TextField(_("masalah"), max_length=1000)
    activity = models.CharField(_("kegiatan yang diusulkan"), max_length=300)
    volume = models.DecimalField(_("volume"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("satuan"), max_length=40)
    cost_rp = models.BigIntegerField(_("perkiraan biaya (Rp)"))
    fund_source = models.CharField(
        _("sumber dana"), max_length=10, choices=FundingSource.choices, default="apbd_kab"
    )
    opd = models.CharField(_("OPD"), max_length=10, choices=Opd.choices)
    priority = models.PositiveSmallIntegerField(_("urutan prioritas"), null=True, blank=True)
    score = models.FloatField(_("skor"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    reason = models.TextField(_("alasan"), max_length=2000, blank=True)
    decision_year = models.PositiveSmallIntegerField(_("tahun keputusan"), null=True, blank=True)
    source = models.CharField(_("sumber data"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = models.CharField(_("dibuat oleh"), max_length=150)

    class Meta:
        app_label = "planning"
        ordering = ["year", "priority", "pk"]
        verbose_name = _("usulan Musrenbang")
        verbose_name_plural = _("usulan Musrenbang")
        indexes = [models.Index(fields=["year", "status"], name="proposal_year_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_rp__gte=0), name="proposal_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(volume__gt=0), name="proposal_volume_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.year}: {self.activity[:40]}"

    @property
    def kecamatan_code(self) -> str:
        return self.desa_id.rsplit(".", 1)[0]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not self.activity.strip():
            errors["activity"] = _("Kegiatan yang diusulkan wajib diisi.")
        if not self.problem.strip():
            errors["problem"] = _("Masalah wajib diisi.")
        if self.desa_id and self.desa.level != Level.DESA:
            errors["desa"] = _("Usulan datang dari satu desa/kelurahan.")
        if errors:
            raise ValidationError(errors)


class ProposalChange(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=10, choices=ProposalStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=ProposalStatus.choices)
    reason = models.TextField(_("alasan"), max_length=2000, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "planning"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.old_status} → {self.new_status}"


# status → (statuses it may come from, roles that may set it)
TRANSITIONS: dict[str, tuple[set[str], set[str]]] = {
    ProposalStatus.AGREED: ({ProposalStatus.PROPOSED}, {Role.KECAMATAN, Role.KABUPATEN}),
    ProposalStatus.PROPOSED: ({ProposalStatus.AGREED}, {Role.KECAMATAN, Role.KABUPATEN}),
    ProposalStatus.ACCEPTED: ({ProposalStatus.AGREED}, {Role.KABUPATEN}),
    ProposalStatus.REJECTED: (
        {ProposalStatus.PROPOSED, ProposalStatus.AGREED},
        {Role.KECAMATAN, Role.KABUPATEN},
    ),
    ProposalStatus.POSTPONED: ({ProposalStatus.AGREED}, {Role.KABUPATEN}),
}


def may_set(roles: set[str], proposal: Proposal, status: str) -> bool:
    if status not in TRANSITIONS:
        return False
    starts, allowed = TRANSITIONS[status]
    if proposal.status not in starts:
        return False
    if status == ProposalStatus.REJECTED and proposal.status == ProposalStatus.AGREED:
        allowed = {Role.KABUPATEN}  # once agreed, only the OPD's answer can reject it
    return Role.ADMIN in roles or bool(roles & allowed)


def evidence(desa: Region, indicator: Indicator, year: int) -> dict[str, Any]:
    """Value, target and people affected of the indicator at the desa for the year."""
    figures = compute_figures(indicators=[indicator], places=[Place.of(desa)], period=year_of(year))
    figure = figures[0] if figures else None
    if figure is None:
        return {"value": None, "target": None, "people_affected": None}
    people = people_behind(figure)
    return {
        "value": None if figure.value is None else round(figure.value, 2),
        "target": figure.target.value if figure.target else None,
        "people_affected": None if people is None else round(people),
    }


def create_proposal(*, by: str, **fields: Any) -> Proposal:
    """Fill the evidence from the figures, validate, then write the proposal and its history.

    The score is the people affected (None without evidence); the priority the next free
    place of the kecamatan's list for the year.
    """
    proposal = Proposal(created_by=by, **fields)
    indicator = proposal.indicator
    if indicator is not None and proposal.value is None and proposal.evidence_year:
        for name, value in evidence(proposal.desa, indicator, proposal.evidence_year).items():
            setattr(proposal, name, value)
    if proposal.score is None and proposal.people_affected is not None:
        proposal.score = float(proposal.people_affected)
    proposal.full_clean()
    with transaction.atomic():
        if proposal.priority is None:
            taken = Proposal.objects.filter(
                desa__parent_id=proposal.desa.parent_id, year=proposal.year
            ).aggregate(top=models.Max("priority"))["top"]
            proposal.priority = (taken or 0) + 1
        proposal.save()
        ProposalChange.objects.create(
            proposal=proposal, old_status="", new_status=proposal.status, by=by
        )
    return proposal


def change_status(
    *, proposal: Proposal, status: str, by: str, reason: str = "", year: int | None = None
) -> ProposalChange:
    """One step of the cycle; a rejection or postponement needs its reason (and a year)."""
    reason = reason.strip()
    if status not in ProposalStatus.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    if status in (ProposalStatus.REJECTED, ProposalStatus.POSTPONED) and not reason:
        raise ValidationError({"reason": _("Tuliskan alasan penolakan atau penundaan.")})
    if status == ProposalStatus.POSTPONED and year is None:
        raise ValidationError({"year": _("Usulan yang ditunda perlu tahun rencana berikutnya.")})
    if status in OPD_DECISIONS and year is None:
        year = proposal.year
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if status not in TRANSITIONS or locked.status not in TRANSITIONS[status][0]:
            raise ValidationError(
                {"status": _("Perubahan status ini tidak dapat dilakukan dari status sekarang.")}
            )
        old = locked.status
        proposal.status = status
        proposal.reason = reason
        proposal.decision_year = year if status in OPD_DECISIONS else None
        proposal.save(update_fields=["status", "reason", "decision_year"])
        return ProposalChange.objects.create(
            proposal=proposal, old_status=old, new_status=status, reason=reason, year=year, by=by
        )


def rank(*, proposals: Sequence[Proposal], order: dict[int, int]) -> int:
    """Set the camat's priority order (pk → place); returns how many changed."""
    changed = []
    for proposal in proposals:
        place = order.get(proposal.pk)
        if place is not None and place != proposal.priority:
            proposal.priority = place
            changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["priority"])
    return len(changed)


def of_kecamatan(code: str, year: int) -> models.QuerySet[Proposal]:
    return (
        Proposal.objects.filter(desa__parent_id=code, year=year)
        .select_related("desa", "indicator")
        .order_by("priority", "pk")
    )


def initial_from_follow_up(follow_up: FollowUp, year: int) -> dict[str, Any]:
    """The proposal form's initial values for an escalation (a follow-up owned by an OPD)."""
    return {
        "desa": follow_up.desa_id,
        "indicator": follow_up.indicator_id,
        "problem": follow_up.problem,
        "activity": follow_up.action[:300],
        "opd": follow_up.opd,
        "follow_up": follow_up.pk,
        "year": year + 1,
        "evidence_year": year,
    }
