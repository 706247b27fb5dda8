"""Page-number pagination whose page size the client may choose (``?page_size=``).

Both parameters go through the bounded parser (``trygg.lib.params``): ``?page=0``, ``?page=x``
or ``?page_size=x`` is answered 400 with a Swedish message, where DRF would answer 404 for a
bad page and silently use the default size for a bad one; a size above 500 is refused too.
``?page=last`` is the last page, and a page past it is still 404.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.request import Request

from trygg.lib.params import MAX_COUNT, int_param


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request: Request, paginator: Paginator) -> int:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        return int_param(
            request.query_params, self.page_query_param, default=1, minimum=1, maximum=MAX_COUNT
        )

    def get_page_size(self, request: Request) -> int:
        assert self.page_size is not None
        return int_param(
            request.query_params,
            self.page_size_query_param,
            default=self.page_size,
            minimum=1,
            maximum=self.max_page_size,
        )
