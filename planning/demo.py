"""Sample planning records for the demo kabupaten, marked contoh, so every planning page of
a fresh install shows something: follow-ups (open, due, overdue, done; some owned by an
OPD), approvals of the desa's data, APBDes evaluations and Musrenbang proposals through
their cycle, in every other kecamatan (the others stay empty, as some do in real life);
and a sample programme cohort of the kabupaten's kecamatan, so /program/<id>/ shows which
of them work with the tool.

Deterministic for a seed. Follow-ups are marked by `created_by`, evaluations by
`recorded_by`, approval steps by their comment, proposals by `source` — all "contoh".
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.scoping import subtree_q
from catalog.models import Indicator
from datavalues import approval
from planning.cohorts import Cohort, load_cohort
from planning.evaluation import ApbdesEvaluation, Result
from planning.followups import Status, change_status, create_follow_up
from planning.models import SAMPLE_SOURCE
from planning.oversight import latest_budget_year
from planning.proposals import Proposal, ProposalStatus, create_proposal
from planning.proposals import change_status as change_proposal
from regions.models import Kind, Level, Region

BY = SAMPLE_SOURCE


@dataclass(frozen=True)
class Problem:
    indicator: str
    problem: str
    desa_action: str
    opd: str
    activity: str
    volume: int
    unit: str
    cost_rp: int


PROBLEMS = (
    Problem(
        "G01",
        "Prevalensi stunting di atas target",
        "PMT lokal dan kelas ibu balita di Posyandu",
        "dinkes",
        "Pendampingan gizi balita stunting oleh tenaga gizi Puskesmas",
        12,
        "bulan",
        150_000_000,
    ),
    Problem(
        "K01",
        "Ibu hamil belum mendapat pemeriksaan sesuai standar",
        "Kelas ibu hamil dan pendataan ibu hamil oleh kader",
        "dinkes",
        "Pemeriksaan ibu hamil terpadu bersama bidan Puskesmas",
        4,
        "kegiatan",
        60_000_000,
    ),
    Problem(
        "P01",
        "Anak usia sekolah belum bersekolah",
        "Pendataan anak tidak sekolah oleh desa",
        "disdik",
        "Rehabilitasi ruang kelas dan program kejar paket",
        2,
        "ruang",
        300_000_000,
    ),
    Problem(
        "W01",
        "Rumah tangga belum mendapat air minum layak",
        "Perbaikan bak penampung air desa",
        "pupr",
        "Perluasan jaringan perpipaan air minum",
        1200,
        "meter",
        450_000_000,
    ),
    Problem(
        "S01",
        "Keluarga miskin belum menerima bantuan sosial",
        "Musyawarah desa pemutakhiran DTSEN",
        "dinsos",
        "Verifikasi dan validasi DTSEN bersama pendamping sosial",
        150,
        "KK",
        40_000_000,
    ),
    Problem(
        "A01",
        "Anak belum memiliki akta kelahiran",
        "Pendataan anak tanpa akta oleh operator desa",
        "dukcapil",
        "Layanan jemput bola akta kelahiran di balai desa",
        2,
        "kegiatan",
        25_000_000,
    ),
)


@dataclass
class Seeded:
    kecamatan: int = 0
    follow_ups: int = 0
    proposals: int = 0
    evaluations: int = 0
    approvals: int = 0


SAMPLE_COHORT = "P3PD (contoh)"


def seed_cohort(kabupaten: str) -> Cohort | None:
    """The sample programme cohort: every kecamatan of the kabupaten (half of them with
    sample planning records, so the page shows active and idle ones). None when a sample
    cohort exists already (or the kabupaten has no kecamatan): it is made once."""
    if Cohort.objects.filter(sample=True).exists():
        return None
    codes = list(
        Region.objects.filter(parent_id=kabupaten, level=Level.KECAMATAN)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not codes:
        return None
    with transaction.atomic():
        cohort = load_cohort(SAMPLE_COHORT, codes).cohort
        cohort.sample = True
        cohort.save(update_fields=["sample", "updated_at"])
    return cohort


def already_seeded(kabupaten: str) -> bool:
    return Proposal.objects.filter(subtree_q("desa", kabupaten), source=SAMPLE_SOURCE).exists()


def seed_planning(kabupaten: str, *, seed: int = 1) -> Seeded:
    today = timezone.localdate()
    data_year = today.year - 1  # the last complete year: what the camat evaluates against
    plan_year = today.year + 1  # the RKPD the Musrenbang prepares
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in=[p.indicator for p in PROBLEMS])
    }
    problems = [p for p in PROBLEMS if p.indicator in indicators]
    kecamatan = list(
        Region.objects.filter(parent_id=kabupaten, level=Level.KECAMATAN).order_by("code")
    )[::2]
    budget_year = latest_budget_year(kabupaten, data_year + 1)
    seeded = Seeded()
    with transaction.atomic():
        for k, kec in enumerate(kecamatan):
            rng = random.Random(zlib.crc32(f"{seed}:planning:{kec.code}".encode()))
            desa = list(Region.objects.filter(parent=kec, level=Level.DESA).order_by("code"))[:4]
            if not desa:
                continue
            seeded.kecamatan += 1
            _follow_ups(desa, problems, indicators, k, today, seeded)
            _proposals(desa, problems, indicators, k, rng, plan_year, data_year, seeded)
            _evaluations(desa, budget_year, k, seeded)
            _approvals(desa, str(data_year), seeded)
    return seeded


def _follow_ups(
    desa: list[Region],
    problems: list[Problem],
    indicators: dict[str, Indicator],
    k: int,
    today: dt.date,
    seeded: Seeded,
) -> None:
    # (days before today it was agreed, days from today it is due, final status)
    shapes = ((5, 30, None), (20, 7, Status.IN_PROGRESS), (60, -10, None), (45, 5, Status.DONE))
    now = timezone.now()
    for i, place in enumerate(desa):
        problem = problems[(k + i) % len(problems)]
        ago, due, status = shapes[i % len(shapes)]
        by_opd = i % 2 == 0
        item = create_follow_up(
            by=BY,
            desa=place,
            indicator=indicators[problem.indicator],
            problem=problem.problem,
            action=problem.activity if by_opd else problem.desa_action,
            owner="opd" if by_opd else "desa",
            opd=problem.opd if by_opd else "",
            due_date=today + dt.timedelta(days=due),
            created_at=now - dt.timedelta(days=ago),
        )
        if status is not None:
            change_status(follow_up=item, status=status, note="contoh", by=BY)
        seeded.follow_ups += 1


def _proposals(
    desa: list[Region],
    problems: list[Problem],
    indicators: dict[str, Indicator],
    k: int,
    rng: random.Random,
    plan_year: int,
    data_year: int,
    seeded: Seeded,
) -> None:
    made = []
    for i, place in enumerate(desa[: 3 + k % 2]):
        problem = problems[(k + i + 1) % len(problems)]
        made.append(
            create_proposal(
                by=BY,
                source=SAMPLE_SOURCE,
                desa=place,
                dusun=f"Dusun {rng.choice(['Krajan', 'Karang', 'Ngemplak', 'Sawahan', 'Kidul'])}",
                year=plan_year,
                indicator=indicators[problem.indicator],
                evidence_year=data_year,
                problem=problem.problem,
                activity=problem.activity,
                volume=problem.volume,
                unit=problem.unit,
                cost_rp=int(problem.cost_rp * rng.uniform(0.8, 1.3)) // 100_000 * 100_000,
                fund_source="apbd_kab",
                opd=problem.opd,
            )
        )
    seeded.proposals += len(made)
    if k % 3 == 2:
        return  # this kecamatan has not held its Musrenbang yet
    for proposal in made[:-1]:
        change_proposal(proposal=proposal, status=ProposalStatus.AGREED, by=BY)
    if k % 3 == 0 and len(made) >= 3:
        change_proposal(proposal=made[0], status=ProposalStatus.ACCEPTED, by=BY, year=plan_year)
        change_proposal(
            proposal=made[1],
            status=ProposalStatus.POSTPONED,
            by=BY,
            reason="contoh: menunggu pagu indikatif OPD",
            year=plan_year + 1,
        )


def _evaluations(desa: list[Region], year: int, k: int, seeded: Seeded) -> None:
    results = (Result.CONFORM, Result.NOTES, Result.REVISE)
    for i, place in enumerate(desa[: 1 + k % 3]):
        if place.kind == Kind.KELURAHAN:
            continue
        ApbdesEvaluation.objects.update_or_create(
            desa=place,
            year=year,
            defaults={
                "result": results[(k + i) % 3],
                "notes": "contoh",
                "recorded_by": BY,
            },
        )
        seeded.evaluations += 1


def _approvals(desa: list[Region], period: str, seeded: Seeded) -> None:
    steps = (("ajukan", "setujui"), ("ajukan",), ("ajukan", "kembalikan"))
    for place, actions in zip(desa, steps, strict=False):
        for action in actions:
            approval.step(region=place, period=period, action=action, by=None, comment="contoh")
        seeded.approvals += 1
