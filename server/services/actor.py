"""Who is calling: the user behind a device token, with what their role allows."""

from dataclasses import dataclass

OFFICE_ROLES = frozenset({"office", "admin"})
ROLES = ("admin", "office", "inspector", "contractor")


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: str
    device_id: str
    company_id: str | None = None
    site_ids: frozenset[str] | None = None  # None: every site

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    @property
    def is_contractor(self) -> bool:
        return self.role == "contractor"

    def covers_site(self, site_id: str | None) -> bool:
        """Whether the actor's site limit lets it reach this site."""
        return self.site_ids is None or site_id in self.site_ids
