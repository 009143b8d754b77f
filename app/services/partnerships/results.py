"""Results of a partnership."""

from sqlmodel import col

from app.models.partnerships import Result
from app.schemas.partnerships.results import ResultFields
from app.services.partnerships.parts import Parts

RESULTS = Parts(Result, ResultFields, order=(col(Result.observed_on), col(Result.id)))

list_results = RESULTS.read_all
get_result = RESULTS.get
create_result = RESULTS.create
update_result = RESULTS.update
delete_result = RESULTS.delete
