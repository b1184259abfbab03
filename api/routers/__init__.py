"""The API's routers, one module per resource (APIRouter with prefix and tags): `portal` is the patron's
own account (/api/patron/...), `patrons` the staff's patron records (/api/patrons/...)."""
from api.routers import (
    admin,
    auth,
    catalog,
    circulation,
    copies,
    fines,
    holds,
    imports,
    materials,
    notices,
    patrons,
    portal,
    reports,
    system,
)

ROUTERS = (system, auth, catalog, portal, circulation, copies, holds, patrons, fines, materials, reports, admin, notices,
           imports)
