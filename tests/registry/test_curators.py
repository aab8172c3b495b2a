"""A methodist appoints curators in the browser; the curator sets a password from the e-mailed link."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from registry.models import Membership, Role, User
from tests import factories

NEW_CURATOR = {
    "last_name": "Фёдорова",
    "first_name": "Алёна",
    "patronymic": "Игоревна",
    "email": "Fedorova@School.test",
    "username": "fedorova.a1",
}


def invite(client, organisation, **data):
    return client.post(reverse("curator_invite", args=[organisation.pk]), {**NEW_CURATOR, **data})


def test_methodist_appoints_a_new_curator_who_then_sets_a_password(
    as_persona, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_persona("methodist_a"), world.school_a1)
    assert response["Location"] == reverse("organisation_detail", args=[world.school_a1.pk])
    user = User.objects.get(username="fedorova.a1")
    assert user.email == "fedorova@school.test"
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.role, membership.organisation, membership.created_by) == (
        Role.CURATOR,
        world.school_a1,
        world.methodist_a,
    )

    [message] = mail.outbox
    assert message.to == ["fedorova@school.test"]
    assert message.subject == "Реестр наставничества: вы назначены куратором МБОУ СОШ № 1"
    assert "Ваш логин: fedorova.a1" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

    client = Client()
    form_page = client.get(link, follow=True)
    assert "Установите пароль" in form_page.content.decode()
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Kurator-2026!", "new_password2": "Kurator-2026!"})
    assert client.post(reverse("login"), {"username": "fedorova.a1", "password": "Kurator-2026!"}).status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "МБОУ СОШ № 1" in home and "МБОУ СОШ № 2" not in home


def test_an_invited_curator_can_ask_for_a_new_link(world, as_persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_persona("methodist_a"), world.school_a1)
    mail.outbox.clear()
    Client().post(reverse("password_reset"), {"email": "fedorova@school.test"})
    assert len(mail.outbox) == 1


def test_an_existing_colleague_gets_a_second_school(as_persona, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_persona("methodist_a"), world.school_a2, email=world.curator_a1.email, username="ignored")
    assert response.status_code == 302
    assert set(world.curator_a1.memberships.values_list("organisation__code", flat=True)) == {"a1", "a2"}
    assert not User.objects.filter(username="ignored").exists()
    assert "добавлена роль" not in mail.outbox[0].body and "Войдите под своей" in mail.outbox[0].body


def test_an_address_of_another_department_is_refused(as_persona, world):
    response = invite(as_persona("methodist_a"), world.school_a1, email=world.methodist_b.email)
    page = response.content.decode()
    # Refused without telling whose the address is, or that it exists elsewhere at all.
    assert "Этот адрес нельзя указать для приглашения" in page and "вне вашего муниципалитета" not in page
    assert world.methodist_b.memberships.count() == 1


@pytest.mark.parametrize(
    "data, error",
    [
        ({"username": "curator_a2"}, "Этот логин уже занят"),
        ({"username": "с пробелом"}, "Логин: буквы, цифры"),
        ({"email": "не почта"}, "Введите правильный адрес электронной почты"),
        ({"last_name": ""}, "Обязательное поле"),
    ],
)
def test_bad_input_creates_nothing(as_persona, world, data, error):
    users, memberships = User.objects.count(), Membership.objects.count()
    response = invite(as_persona("methodist_a"), world.school_a1, **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert mail.outbox == []


def test_appointing_the_same_curator_twice_is_explained(as_persona, world):
    response = invite(as_persona("methodist_a"), world.school_a1, email=world.curator_a1.email)
    assert "уже куратор этой организации" in response.content.decode()


def test_methodist_removes_a_curator_who_then_sees_nothing(as_persona, world):
    membership = world.curator_a1.memberships.get()
    response = as_persona("methodist_a").post(reverse("membership_remove", args=[membership.pk]))
    assert response["Location"] == reverse("organisation_detail", args=[world.school_a1.pk])
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # The last role gone, the account has left the municipality: signed out, no password, no way in.
    client = as_persona("curator_a1")
    response = client.get(reverse("organisation_detail", args=[world.school_a1.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    world.curator_a1.refresh_from_db()
    assert not world.curator_a1.is_active and not world.curator_a1.has_usable_password()


def test_a_curator_with_another_role_left_keeps_the_account_and_sees_only_that(as_persona, world):
    factories.MembershipFactory(
        user=world.curator_a1, role="curator", department=world.department_a, organisation=world.school_a2
    )
    membership = world.curator_a1.memberships.get(organisation=world.school_a1)
    as_persona("methodist_a").post(reverse("membership_remove", args=[membership.pk]))
    client = as_persona("curator_a1")
    assert client.get(reverse("organisation_detail", args=[world.school_a1.pk])).status_code == 404
    assert client.get(reverse("organisation_detail", args=[world.school_a2.pk])).status_code == 200


def test_staff_list_search_ignores_case_and_yo(as_persona, world):
    factories.curator(world.school_a2, user__last_name="Королёва", user__username="koroleva")
    response = as_persona("methodist_a").get(reverse("staff_list"), {"q": "КОРОЛЕВА"})
    assert [m.user.username for m in response.context["page"].object_list] == ["koroleva"]
    response = as_persona("methodist_a").get(reverse("staff_list"), {"role": "head"})
    assert [m.user.username for m in response.context["page"].object_list] == ["head_a"]


def test_curator_sees_only_the_colleagues_of_the_own_school(as_persona, world):
    response = as_persona("curator_a1").get(reverse("staff_list"))
    assert [m.user.username for m in response.context["page"].object_list] == ["curator_a1"]


@pytest.mark.parametrize(
    "fields",
    [
        {"role": Role.CURATOR, "organisation": None},
        {"role": Role.METHODIST, "organisation": "school"},
        {"role": "janitor", "organisation": None},
    ],
    ids=["curator-without-organisation", "methodist-with-organisation", "unknown-role"],
)
def test_the_database_refuses_inconsistent_memberships(world, fields):
    organisation = world.school_a1 if fields["organisation"] else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=world.head_a, department=world.department_a, role=fields["role"], organisation=organisation
        )


def test_a_role_is_held_once(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=world.head_a, department=world.department_a, role=Role.HEAD)


def test_a_curators_department_always_follows_the_organisation(world):
    membership = Membership.objects.create(
        user=world.head_a, role=Role.CURATOR, department=world.department_b, organisation=world.school_a1
    )
    assert membership.department == world.department_a


def test_emails_are_unique_whatever_the_case(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(email=world.curator_a1.email.upper())


def test_methodist_sends_a_fresh_link_to_a_curator_without_a_password(
    as_persona, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_persona("methodist_a"), world.school_a1)
    mail.outbox.clear()
    membership = User.objects.get(username="fedorova.a1").memberships.get()
    response = as_persona("methodist_a").post(reverse("membership_reinvite", args=[membership.pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Ваш логин: fedorova.a1" in message.body


def test_no_fresh_link_for_a_curator_who_has_a_password(as_persona, world):
    membership = world.curator_a1.memberships.get()
    as_persona("methodist_a").post(reverse("membership_reinvite", args=[membership.pk]))
    assert mail.outbox == []


def test_several_roles_add_up(world):
    """A methodist of A who also curates a school of B sees all of A and that one school of B."""
    from django.test import Client

    factories.MembershipFactory(
        user=world.methodist_a, role=Role.CURATOR, department=world.department_b, organisation=world.school_b1
    )
    client = Client()
    client.force_login(world.methodist_a)
    listed = [o.code for o in client.get(reverse("organisation_list")).context["page"].object_list]
    assert sorted(listed) == ["a1", "a2", "b1"]
    assert client.get(reverse("organisation_edit", args=[world.school_b1.pk])).status_code == 403
    assert client.get(reverse("organisation_edit", args=[world.school_a1.pk])).status_code == 200


def test_an_account_that_left_is_never_taken_over_and_comes_back_only_with_a_new_password(
    as_persona, world, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 24, finding 12: after a methodist removed a curator's role, a methodist of another
    municipality invited the same address and took the old account over with its old password."""
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_persona("methodist_a"), world.school_a1)
    user = User.objects.get(username="fedorova.a1")
    user.set_password("Old-password-2026")
    user.save()
    membership = user.memberships.get()
    as_persona("methodist_a").post(reverse("membership_remove", args=[membership.pk]))
    user.refresh_from_db()
    assert not user.is_active and not user.check_password("Old-password-2026")

    # Another municipality: refused, in the same words as any address it may not use; the account untouched.
    elsewhere = invite(as_persona("methodist_b"), world.school_b1, username="fedorova.b1")
    assert "Этот адрес нельзя указать для приглашения" in elsewhere.content.decode()
    user.refresh_from_db()
    assert not user.is_active and not user.memberships.exists()

    # Its own municipality invites it again: a new password only, through the e-mailed link.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = invite(as_persona("methodist_a"), world.school_a2, username="fedorova.a1")
    assert again.status_code == 302
    user.refresh_from_db()
    assert user.is_active and not user.has_usable_password()
    assert not user.check_password("Old-password-2026")
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body
