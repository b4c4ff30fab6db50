"""Who is calling: the user behind a device token, with what their role allows."""

from dataclasses import dataclass

OFFICE_ROLES = frozenset({"office", "admin"})
ROLES = ("admin", "office", "inspector", "contractor")
SYSTEM_DEVICE = "00000000-0000-0000-0000-000000000000"
# The author of records made from the shell (create-user's companies and sites) and by the server's own
# jobs (rounds, alerts): no user has this id, so such a record is nobody's own.
SYSTEM_USER = "00000000-0000-0000-0000-000000000000"


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

    @property
    def is_system(self) -> bool:
        """The server itself (its jobs, the shell): the only writer of server-written types."""
        return self.user_id == SYSTEM_USER

    def covers_site(self, site_id: str | None) -> bool:
        """Whether the actor's site limit lets it reach this site."""
        return self.site_ids is None or site_id in self.site_ids


def system_actor() -> Actor:
    return Actor(user_id=SYSTEM_USER, role="admin", device_id=SYSTEM_DEVICE)
