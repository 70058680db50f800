"""网店结算 on the page: a settlement file uploaded, its months listed with orders, fees, refunds,
payouts and the platform's closing balance, the same file refused in plain words, a wrong row
named by row and column, and no upload form for a role that may only read."""

from __future__ import annotations

import io
from typing import Any

PAGE = "/orgs/coop/shop-settlements"
CSV = (
    "日期,类型,订单号,金额,备注\n"
    "2025-05-03,订单,TB2001,1200.00,锡壶\n"
    "2025-05-03,服务费,TB2001,-12.00,技术服务费\n"
    "2025-06-01,退款,TB2001,-1200.00,退货退款\n"
)


def _upload(b: Any, text: str, name: str = "taobao.csv") -> Any:
    return b.post(
        PAGE,
        {"file": (io.BytesIO(text.encode("utf-8-sig")), name), "platform": "淘宝"},
        content_type="multipart/form-data",
    )


def test_a_settlement_file_is_uploaded_and_its_months_listed(signed_in: Any) -> None:
    b = signed_in("acc")
    done = _upload(b, CSV)
    assert done.status_code == 302, done.get_data(as_text=True)
    html = b.get(PAGE).get_data(as_text=True)
    assert "已导入 3 行结算明细，生成 2 张凭证草稿" in html
    may = html.split('id="month-2025-05"')[1].split("</tr>")[0]
    assert "1,200.00" in may and "12.00" in may and "1,188.00" in may
    june = html.split('id="month-2025-06"')[1].split("</tr>")[0]
    assert "1,200.00" in june  # the refund, in June: the order was May's
    assert "张凭证尚未记账" in june
    again = _upload(b, CSV, "copy.csv")
    assert again.status_code == 409
    assert "文件 copy.csv 已经导入过" in again.get_data(as_text=True)


def test_a_wrong_row_is_named_and_a_reader_has_no_upload_form(signed_in: Any) -> None:
    b = signed_in("acc")
    refused = _upload(b, "date,type,order,amount,memo\n2025-05-03,order,TB1,12x,锡壶\n")
    assert refused.status_code == 422
    assert "第 2 行，amount 列" in refused.get_data(as_text=True)
    reader = signed_in("aud").get(PAGE)
    assert reader.status_code == 200
    assert 'id="shop-import"' not in reader.get_data(as_text=True)
    assert signed_in("aud").post(PAGE, {}).status_code == 403
