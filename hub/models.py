"""Import every domain's models so SQLAlchemy and Alembic see the whole schema."""
from hub.auth.models import ApiToken, Invitation, LoginSession  # noqa: F401
from hub.realtime import SocketConnection  # noqa: F401
from hub.mail import OutgoingMail  # noqa: F401
from hub.people.models import Cohort, Organization, Team, TeamMembership, User, cohort_teams  # noqa: F401
from hub.notify.models import Notification  # noqa: F401
from hub.spaces.models import AuditEvent, JoinRequest, Space, SpaceMembership  # noqa: F401
from hub.forums.models import (Category, Draft, Flag, ModerationEntry, Post, PostAttachment,  # noqa: F401
                               PostRevision, Reaction, ReadState, Thread, ThreadTag)
from hub.notify.models import EmailSettings, Watch  # noqa: F401
from hub.search.queue import SearchQueue  # noqa: F401
from hub.fastpath.page_cache import PageEpoch  # noqa: F401
from hub.library.models import (Adoption, Collection, CollectionItem, Component, Resource,  # noqa: F401
                                 ResourceComponent, ResourceEdit, ResourceFile, ResourceTag, ResourceVersion,
                                 Vote)
from hub.chat.models import (Channel, ChannelParticipant, ChannelRead, ChatSocket, Message,  # noqa: F401
                             MessageAttachment, MessageReaction)
from hub.home.models import ChecklistMark  # noqa: F401
from hub.projects.models import (Cycle, DataEdit, DataPoint, DriverNode, ExcludedPeriod, Measure,  # noqa: F401
                                 MeasurePhase, Project)
