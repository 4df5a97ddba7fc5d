"""View decorators: sign-in plus a current district, with typed requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from chalkline.lib.http import HtmxRequest
from chalkline.people.models import District, User


class DistrictRequest(HtmxRequest):
    """A request that passed ``district_required``: a signed-in user working in a district."""

    user: User
    district: District


def district_required[**P, R: HttpResponseBase](
    view: Callable[Concatenate[DistrictRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "district", None) is None:
            return render(request, "people/no_district.html", status=403)
        return view(request, *args, **kwargs)  # type: ignore[arg-type]

    return wrapper  # type: ignore[return-value]
