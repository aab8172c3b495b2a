"""Work that touches several models at once, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from registry.models import Membership, Organisation, Role, User


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    new_account: bool


def invite_curator(
    organisation: Organisation, *, by: User, data: dict, existing_user: User | None, site_url: str
) -> Invitation:
    """Appoint a curator of `organisation`, creating the account if needed, and e-mail the link.

    A new account has no password: the e-mail carries a one-time link to set one (the same
    mechanism as a password reset). So does an account that comes back after leaving (deactivated,
    its old password dropped): nobody signs in with what was set before. The e-mail leaves only once
    the transaction commits.
    """
    with transaction.atomic():
        user = existing_user
        returning = user is not None and not user.is_active
        if user is None:
            user = User(
                username=data["username"],
                email=data["email"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data.get("patronymic", ""),
                home_department=organisation.department,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        elif returning:
            user.is_active = True
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
        membership = Membership(
            user=user,
            role=Role.CURATOR,
            department=organisation.department,
            organisation=organisation,
            created_by=by,
        )
        membership.full_clean()
        membership.save()
        new_password = existing_user is None or returning
        transaction.on_commit(lambda: send_invitation(membership, site_url=site_url, new_account=new_password))
    return Invitation(membership=membership, new_account=new_password)


def send_invitation(membership: Membership, *, site_url: str, new_account: bool) -> None:
    user = membership.user
    context = {
        "user": user,
        "membership": membership,
        "organisation": membership.organisation,
        "site_url": site_url.rstrip("/"),
        "new_account": new_account,
        "login_url": site_url.rstrip("/") + reverse("login"),
    }
    if new_account:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = site_url.rstrip("/") + reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
    # One line whatever the names hold: a line break in a header is refused by send_mail.
    subject = " ".join(render_to_string("registry/email/curator_invitation_subject.txt", context).split())
    body = render_to_string("registry/email/curator_invitation.txt", context)
    send_mail(subject, body, None, [user.email])


def remove_membership(membership: Membership) -> None:
    """Take a role away. The account stays (its history matters); with its last role it leaves the
    municipality: deactivated, its password dropped, so it cannot sign in, nor be taken over by an
    invitation elsewhere (only its own municipality may invite it again, with a new password)."""
    with transaction.atomic():
        user = membership.user
        membership.delete()
        if not user.memberships.exists():
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
