"""The desk's spreadsheet export: the findings of the chosen site and dates, in the desk's language; offline it says why not."""

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import go_offline, go_online, log_in

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_office_downloads_the_findings_as_excel_in_chinese_and_is_told_when_offline(browser, demo_server, tmp_path):
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **DESKTOP)
    page = context.new_page()
    log_in(page, demo_server, username="office", home="#desk-list li")
    shown = page.locator("#desk-list li").count()

    with page.expect_download() as download:
        page.click("#export-xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("findings-") and saved.suffix == ".xlsx"
    workbook = load_workbook(saved, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:3] == ("问题", "项目", "位置")
    assert len(rows) - 1 == shown  # the demo's findings were all reported within the last 30 days
    assert "Extinguisher under-pressure (needle in red)" in {row[6] for row in rows}  # titles as the inspector wrote them
    expect(page.locator(".export-bar [role=status]")).to_contain_text(saved.name)

    go_offline(page, demo_server)
    page.click("#export-csv")
    expect(page.locator(".export-bar [role=status]")).to_contain_text("联网后重试")
    go_online(page, demo_server)
    context.close()
