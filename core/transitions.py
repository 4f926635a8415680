"""The one mechanism every state change goes through.

Each app's services call `perform_transition` with the transition's method name: it locks the row,
checks the user's permission and the transition's guards, changes the state, writes the audit entry
in the same database transaction and schedules the side effects for after the commit. A refusal
raises a DomainError with a message in Chinese and changes nothing.
"""

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import TypeVar

from django.db import models, transaction
from django.utils.translation import gettext
from django_fsm import Transition

from .actors import is_system
from .audit import record
from .errors import ActionNotPermitted, DomainError, TransitionRefused

M = TypeVar("M", bound=models.Model)


def lazy_permission(module: str, name: str):
    """A transition permission that calls `module.name(user, instance)` when checked.

    Models declare their transitions before their app's permissions module can be imported (it imports
    the models), so the permission function is looked up at call time.
    """

    def check(instance, user):
        return getattr(import_module(module), name)(user, instance)

    check.__name__ = name
    check.__qualname__ = f"{module}.{name}"
    return check


def guard(message: str):
    """Mark a transition condition with the message shown when it fails."""

    def decorate(func):
        func.refusal = message
        return func

    return decorate


# Rules that an app above adds to a lower app's transition: an application leaves publicity only when no
# objection is pending, but objections belong to reviews, which applications may not import. The lower
# model declares `conditions=[registered_rules("select")]`; the upper app calls `register_rule` in its
# AppConfig.ready(). Being an FSM condition, the rule holds on every path: the services, the generic action
# buttons, a direct call of the model's method.
_RULES: dict[tuple[str, str], list[Callable[[models.Model], str | None]]] = {}


def register_rule(model_label: str, transition: str, rule: Callable[[models.Model], str | None]) -> None:
    """`rule(obj)` returns why the transition is refused now, or None; `model_label` is "app.Model"."""
    rules = _RULES.setdefault((model_label.lower(), transition), [])
    if rule not in rules:
        rules.append(rule)


def _first_refusal(obj: models.Model, transition: str) -> str | None:
    for rule in _RULES.get((obj._meta.label_lower, transition), ()):
        refusal = rule(obj)
        if refusal:
            return str(refusal)
    return None


def registered_rules(transition: str):
    """The FSM condition that runs the rules registered for this model's `transition`."""

    def condition(obj) -> bool:
        return _first_refusal(obj, transition) is None

    condition.refusal_of = lambda obj: _first_refusal(obj, transition)
    # What the lifecycle diagram lists; the refusal itself names the rule that failed.
    condition.refusal = (
        "上层应用登记的规则（core.transitions.register_rule，如 reviews.guards），拒绝时说明具体原因"
    )
    condition.__name__ = f"registered_rules_{transition}"
    return condition


def _refusal_message(condition, obj, label: str) -> str:
    if hasattr(condition, "refusal_of"):
        return condition.refusal_of(obj) or gettext("不满足「%(label)s」的办理条件。") % {"label": label}
    return getattr(condition, "refusal", gettext("不满足「%(label)s」的办理条件。") % {"label": label})


def transition_of(obj: models.Model, name: str) -> Transition | None:
    method = getattr(obj, name)
    field = method._django_fsm.field
    field_name = field if isinstance(field, str) else field.name
    return method._django_fsm.get_transition(getattr(obj, field_name))


def transition_label(obj: models.Model, name: str, *, lazy: bool = False):
    """The transition's label in the active language (or, with `lazy`, the lazy string itself, which
    the audit trail stores in Chinese)."""
    method = getattr(obj, name)
    for t in method._django_fsm.transitions.values():
        label = t.custom.get("label", name)
        return label if lazy else str(label)
    return name


def refusal_for(obj: models.Model, name: str, user) -> str | None:
    """Why `user` may not run transition `name` on `obj` now, or None if they may."""
    t = transition_of(obj, name)
    label = transition_label(obj, name)
    if t is None:
        return gettext("当前状态为「%(state)s」，不能执行「%(label)s」。") % {
            "state": obj.get_state_display(),
            "label": label,
        }
    if not t.has_perm(obj, user):
        return ActionNotPermitted().message
    for condition in t.conditions:
        if not condition(obj):
            return _refusal_message(condition, obj, label)
    return None


def perform_transition(
    model: type[M],
    pk,
    name: str,
    *,
    by,
    reason: str = "",
    changes: Callable[[M], None] | None = None,
    after_commit: Iterable[Callable[[M], None]] = (),
    data: dict | None = None,
    rule: str = "",
) -> M:
    """Lock `model` row `pk`, run transition `name` as user `by`, audit it, schedule side effects.

    `changes` sets fields that belong to the transition (an opinion, a rank) on the locked row before
    the guards run, so a guard may look at them; if anything is refused, the whole thing rolls back.

    An automatic step passes `by=core.actors.system_user()` and names the `rule` that acts (e.g.
    "reviews.all_sheets_submitted"): it needs no person's role, still passes every guard, and is
    audited under the system actor with the rule in the entry's data. A person cannot pass a rule,
    and the system actor cannot act without one.
    """
    reason = (reason or "").strip()
    system = is_system(by)
    if system != bool(rule):
        raise ActionNotPermitted()
    if system:
        data = {**(data or {}), "rule": rule}
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        t = transition_of(obj, name)
        label = transition_label(obj, name)
        if t is None:
            raise TransitionRefused(
                gettext("当前状态为「%(state)s」，不能执行「%(label)s」。")
                % {"state": obj.get_state_display(), "label": label}
            )
        if not system and not t.has_perm(obj, by):
            raise ActionNotPermitted()
        if t.custom.get("reason_required") and not reason:
            raise DomainError(gettext("「%(label)s」须填写理由。") % {"label": label}, code="reason_required")
        if changes is not None:
            changes(obj)
        for condition in t.conditions:
            if not condition(obj):
                raise TransitionRefused(_refusal_message(condition, obj, label))
        from_state = obj.state
        getattr(obj, name)(by=by, reason=reason)
        obj.save()
        record(
            obj,
            actor=by,
            action=name,  # namespaced by record: <app_label>.<model_name>.<name>
            label=transition_label(obj, name, lazy=True),
            from_state=from_state,
            to_state=obj.state,
            reason=reason,
            data=data,
        )
        for effect in after_commit:
            transaction.on_commit(lambda effect=effect, obj=obj: effect(obj))
    return obj


class Action:
    """A transition the user may run now (or could, once `refusal` is dealt with).

    A transition may declare `custom={"destructive": True, "confirm": _("… %(object)s …")}`: a destructive
    action is shown after the main ones, apart, and `confirm` is what the user confirms before it runs
    (formatted with `str(obj)` as `object` and the model's `confirm_context()`, if it has one).
    """

    def __init__(self, transition: Transition, refusal: str | None, obj: models.Model | None = None) -> None:
        self.name = transition.name
        self.label = str(transition.custom.get("label", transition.name))
        self.reason_required = bool(transition.custom.get("reason_required"))
        # Every transition that needs a reason here is a return or a refusal: destructive unless it says not.
        self.destructive = bool(transition.custom.get("destructive", self.reason_required))
        self.style = transition.custom.get("style", "danger" if self.destructive else "primary")
        self.refusal = refusal
        confirm = transition.custom.get("confirm")
        if confirm:
            self.confirm = str(confirm) % confirm_context(obj)
        elif self.destructive:
            self.confirm = gettext("确认办理「%(label)s」？") % {"label": self.label}
        else:
            self.confirm = ""

    @property
    def enabled(self) -> bool:
        return self.refusal is None


def confirm_context(obj: models.Model | None) -> dict:
    if obj is None:
        return {"object": ""}
    context = getattr(obj, "confirm_context", dict)()
    return {"object": str(obj), **context}


def actions_for(obj: models.Model, user, exclude: Iterable[str] = ()) -> list[Action]:
    """Transitions from the object's current state that this user has permission for."""
    field = obj._meta.get_field("state")
    seen: set[str] = set()
    actions = []
    for t in field.get_all_transitions(obj.__class__):
        if t.name in seen or t.name in exclude or t.source not in (obj.state, "*", "+"):
            continue
        if not t.has_perm(obj, user):
            continue
        seen.add(t.name)
        label = str(t.custom.get("label", t.name))
        # The same message as the refusal met on a POST (one owner: _refusal_message), so a registered
        # rule's own reason shows under the disabled button, not the diagram's description of the rule.
        refusal = next((_refusal_message(c, obj, label) for c in t.conditions if not c(obj)), None)
        actions.append(Action(t, refusal, obj))
    return actions
