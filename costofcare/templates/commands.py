"""``costofcare template``: write blank or pre-filled provider cost workbooks."""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import add_verb
from ..errors import UserError
from .spec import SERVICES, get_spec
from .writer import GenerationSettings, parse_date, write_for_providers, write_template

EXAMPLES = """\
examples:
  costofcare template home_care -o home-care-return.xlsx
  costofcare template care_home -o care-home-return.xlsx --council "Anytown Council" \\
      --deadline 2026-06-30 --contact costofcare@anytown.gov.uk \\
      --period-start 2025-04-01 --period-end 2026-03-31
  costofcare template all -o returns/                   one blank workbook per service
  costofcare template home_care --providers providers.csv -o returns/ --council "Anytown Council"

Services: home_care (per contact hour), care_home (per resident week), supported_living
(per support hour). Hyphens are accepted (home-care).

--providers: a CSV with a header row and one row per provider; each row gives one workbook
with those details filled in. Headers are field ids or labels, written any way
(provider_name, "Provider Name", "Registration number"). provider_name is required; the
other columns a council may fill are service_name, regulator, registration_number,
locality, postcode, organisation_type, contact_name, contact_email, contact_phone (and
home_type for care homes); any other column is left out with a warning. Files are named
<service>_<provider>_<registration number>.xlsx.
"""


def register(subparsers) -> None:
    p = add_verb(
        subparsers,
        "template",
        run,
        help="write provider cost workbooks (home care, care homes, supported living)",
        description="Write the cost of care workbook providers fill in: a cover sheet with "
        "your guidance, input sheets with help on every cell, validation and locked labels, "
        "and names the ingest step reads. Optionally one pre-filled workbook per provider.",
        epilog=EXAMPLES,
    )
    p.add_argument("service", metavar="SERVICE", help=f"one of {', '.join(SERVICES)}, or all")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="file to write (a folder with 'all' or --providers)",
    )
    p.add_argument("--version", dest="template_version", metavar="V", help="template version")
    p.add_argument("--council", default="", help="council name shown on the cover")
    p.add_argument("--deadline", metavar="DATE", help="date returns are due (YYYY-MM-DD)")
    p.add_argument("--contact", default="", metavar="EMAIL", help="where returns are sent")
    p.add_argument("--period-start", metavar="DATE", help="first day of the 12 months asked for")
    p.add_argument("--period-end", metavar="DATE", help="last day of the 12 months asked for")
    p.add_argument("--providers", metavar="CSV", help="one pre-filled workbook per CSV row")


def _services(name: str) -> list[str]:
    key = name.strip().lower().replace("-", "_")
    if key == "all":
        return list(SERVICES)
    if key not in SERVICES:
        raise UserError(f"unknown service {name!r}; choose one of: {', '.join(SERVICES)}, all")
    return [key]


def settings_from_args(args) -> GenerationSettings:
    """GenerationSettings from the command-line options (dates checked)."""

    def date(value, flag):
        return parse_date(value, flag) if value else None

    return GenerationSettings(
        council=args.council.strip(),
        deadline=date(args.deadline, "--deadline"),
        contact_email=args.contact.strip(),
        period_start=date(args.period_start, "--period-start"),
        period_end=date(args.period_end, "--period-end"),
    )


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def run(args) -> int:
    services = _services(args.service)
    settings = settings_from_args(args)
    out = Path(args.output)
    many = len(services) > 1 or args.providers
    if many and out.suffix.lower() == ".xlsx":
        raise UserError(f"-o {out}: give a folder, not an .xlsx file, with 'all' or --providers")
    if not many and out.suffix.lower() != ".xlsx":
        raise UserError(f"-o {out}: the file name must end in .xlsx")
    if args.template_version and len(services) > 1:
        raise UserError("--version needs a single service, not 'all'")
    written = []
    for service in services:
        spec = get_spec(service, args.template_version)
        if args.providers:
            written += write_for_providers(spec, args.providers, out, settings, warn=_warn)
        elif many:
            written.append(write_template(spec, out / f"{service}.xlsx", settings))
        else:
            written.append(write_template(spec, out, settings))
    for path in written:
        print(path)
    return 0
