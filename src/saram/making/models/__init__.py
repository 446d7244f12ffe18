"""Models of the making app, one module per part of the centre.

The print service adds its own module (`printing.py`) and imports it here.
"""

from saram.making.models.cluster import ClusterMember, ClusterRole, ClusterSector, RndProject
from saram.making.models.courses import (
    Audience,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
)
from saram.making.models.events import (
    Event,
    EventKind,
    EventRegistration,
    GalleryProject,
    Licence,
    RegistrationStatus,
)
from saram.making.models.incubator import (
    CreditEntry,
    CreditReason,
    Founder,
    MentoringSession,
    Milestone,
    Tenant,
)
from saram.making.models.machines import (
    Machine,
    MachineKind,
    MachineLogEntry,
    MachineLogKind,
    MachineStatus,
    Material,
    MaterialKind,
    Room,
    StockMovement,
    StockReason,
)
from saram.making.models.printing import (
    DeviceBudget,
    DeviceRequest,
    Discount,
    DiscountBasis,
    Funding,
    JobStatus,
    PrinterLink,
    PrintJob,
)
from saram.making.models.reservations import (
    HOLDING,
    MAX_SPAN,
    Notice,
    Reservation,
    ReservationKind,
    ReservationStatus,
)

__all__ = [
    "HOLDING",
    "MAX_SPAN",
    "Audience",
    "Certificate",
    "ClusterMember",
    "ClusterRole",
    "ClusterSector",
    "Course",
    "CourseSession",
    "CreditEntry",
    "CreditReason",
    "DeviceBudget",
    "DeviceRequest",
    "Discount",
    "DiscountBasis",
    "Enrolment",
    "EnrolmentStatus",
    "Event",
    "EventKind",
    "EventRegistration",
    "Founder",
    "Funding",
    "GalleryProject",
    "JobStatus",
    "Licence",
    "Machine",
    "MachineKind",
    "MachineLogEntry",
    "MachineLogKind",
    "MachineStatus",
    "Material",
    "MaterialKind",
    "MentoringSession",
    "Milestone",
    "Notice",
    "PrintJob",
    "PrinterLink",
    "RegistrationStatus",
    "Reservation",
    "ReservationKind",
    "ReservationStatus",
    "RndProject",
    "Room",
    "StockMovement",
    "StockReason",
    "Tenant",
]
