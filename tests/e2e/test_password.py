"""A user changes their own password on the phone: the wrong current one is said in words, the right one signs the other devices out."""

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, log_in

NEW_PASSWORD = "a new patrol password"


def pull_status(device) -> int:
    return device.session.get(f"{device.url}/api/v1/sync/pull", timeout=30).status_code


def fill_password_form(page, current, new, repeated=None):
    page.fill("#current-password", current)
    page.fill("#new-password", new)
    page.fill("#repeat-password", repeated if repeated is not None else new)
    page.click("form button[type=submit]")


def test_an_inspector_changes_their_password_and_their_other_device_must_log_in_again(phone, demo_server):
    other_device = demo_server.login("inspector", "tablet", DEMO_PASSWORD)
    page = phone()
    log_in(page, demo_server)
    page.click("a[href='#/sync']")
    page.click("#change-password")

    fill_password_form(page, DEMO_PASSWORD, NEW_PASSWORD, repeated="a new patrol passwort")
    expect(page.locator("#password-error")).to_have_text("The two new passwords differ.")
    fill_password_form(page, "not my password", NEW_PASSWORD)
    expect(page.locator("#password-error")).to_have_text("That is not your current password.")
    fill_password_form(page, DEMO_PASSWORD, NEW_PASSWORD)
    expect(page.locator("#outcome")).to_have_text("Password changed. 1 other device of yours must log in again.")
    expect(page.locator("#outcome")).to_be_in_viewport()

    assert pull_status(other_device) == 401
    assert pull_status(demo_server.login("inspector", "new phone", NEW_PASSWORD)) == 200
    page.click("a[href='#/sync']")  # this phone stays signed in and syncs
    expect(page.locator("#sync-status[data-state=synced]")).to_be_visible(timeout=20_000)


def test_the_password_form_says_in_chinese_when_it_cannot_reach_the_server(phone, demo_server):
    page = phone(locale="zh-CN")
    log_in(page, demo_server)
    page.goto(demo_server.url + "/#/password")
    page.context.set_offline(True)
    fill_password_form(page, DEMO_PASSWORD, NEW_PASSWORD)
    expect(page.locator("#password-error")).to_have_text("当前离线，修改密码需要网络连接。")
    page.context.set_offline(False)
