"""Results of a partnership."""

from sqlmodel import col

from app.core.paging import Sorting
from app.models.partnerships import Result
from app.schemas.partnerships.results import ResultFields
from app.services.partnerships.parts import Parts

RESULTS = Parts(
    Result,
    ResultFields,
    Sorting(
        "results",
        {
            "observed_on": col(Result.observed_on),
            "created_at": col(Result.created_at),
            "updated_at": col(Result.updated_at),
        },
        default=("observed_on",),
        unique=col(Result.id),
        updated=col(Result.updated_at),
    ),
)

list_results = RESULTS.read_page
get_result = RESULTS.get
create_result = RESULTS.create
update_result = RESULTS.update
delete_result = RESULTS.delete
