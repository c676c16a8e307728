"""APBDes budget lines: what each desa plans to spend (and has spent) on which kegiatan.

One row per desa, year, stage, Permendagri 20/2018 kegiatan code and source of funds —
the grain at which Siskeudes reports a village budget by bidang/sub-bidang/kegiatan; the
economic accounts below a kegiatan (5.1 pegawai, 5.2 barang/jasa, 5.3 modal) are summed.
Amounts are whole rupiah. An importer writes rows with its own `source` ("siskeudes",
"contoh" for sample data …); (desa, year, stage, kegiatan_code, fund_source) is the natural
key, so re-importing the same file can update rows instead of adding duplicates.
Kelurahan have no APBDes and therefore no rows.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Region

SAMPLE_SOURCE = "contoh"

kegiatan_code_validator = RegexValidator(
    r"^[1-5]\.[0-9]{1,2}\.[0-9]{2}$",
    _("Kode kegiatan Permendagri 20/2018 berbentuk bidang.subbidang.kegiatan, mis. 2.2.02."),
)


class FundSource(models.TextChoices):
    """Sources of village revenue (Permendagri 20/2018, pendapatan 4.x)."""

    DD = "DD", _("Dana Desa")
    ADD = "ADD", _("Alokasi Dana Desa")
    PAD = "PAD", _("Pendapatan Asli Desa")
    BHPR = "BHPR", _("Bagi hasil pajak dan retribusi daerah")
    BANKEU = "BANKEU", _("Bantuan keuangan provinsi/kabupaten")
    OTHER = "LAIN", _("Lain-lain pendapatan desa yang sah")


class Stage(models.TextChoices):
    DRAFT = "draft", _("rancangan APBDes")
    FINAL = "final", _("APBDes ditetapkan")


class BudgetLine(models.Model):
    desa = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("desa")
    )
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    stage = models.CharField(_("tahap"), max_length=5, choices=Stage.choices, default=Stage.FINAL)
    kegiatan_code = models.CharField(
        _("kode kegiatan"), max_length=8, validators=[kegiatan_code_validator]
    )
    name = models.CharField(_("nama kegiatan"), max_length=300)
    fund_source = models.CharField(_("sumber dana"), max_length=6, choices=FundSource.choices)
    budget_rp = models.BigIntegerField(_("anggaran (Rp)"))
    # None until a realisation report arrives; 0 means reported as nothing spent.
    realised_rp = models.BigIntegerField(_("realisasi (Rp)"), null=True, blank=True)
    source = models.CharField(_("sumber data"), max_length=60)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("baris APBDes")
        verbose_name_plural = _("baris APBDes")
        constraints = [
            models.UniqueConstraint(
                fields=["desa", "year", "stage", "kegiatan_code", "fund_source"],
                name="budgetline_natural_key",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_rp__gte=0), name="budgetline_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(realised_rp__isnull=True) | models.Q(realised_rp__gte=0),
                name="budgetline_realised_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.year} {self.kegiatan_code} {self.fund_source}"


# Models of the planning topics live in their own modules; importing them here registers them.
from planning.activities import Activity  # noqa: E402
from planning.cohorts import Cohort, CohortMember  # noqa: E402
from planning.evaluation import ApbdesEvaluation  # noqa: E402
from planning.followups import FollowUp, FollowUpChange  # noqa: E402
from planning.proposals import Proposal, ProposalChange  # noqa: E402

__all__ = [
    "Activity",
    "ApbdesEvaluation",
    "BudgetLine",
    "Cohort",
    "CohortMember",
    "FollowUp",
    "FollowUpChange",
    "Proposal",
    "ProposalChange",
]
