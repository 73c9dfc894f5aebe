"""Rate limits on the chat door (issue 13), with the `limits` library: per anonymous id and per address
on messages, and per address on opening crisis cases, so one script cannot flood the conversation
store or the mentors' queue. A crisis reply is never withheld: an over-limit message that carries a
crisis signal is answered as usual, and an over-limit case is not opened but the help lines still go out.

Counters live in memory (one gateway process) or in Redis when REDIS_URL is set, shared by every
gateway process of a scaled-out deployment. When Redis cannot be reached the door stays open (and says
so in the log): a limit that fails closed would refuse a person in crisis.
"""
from __future__ import annotations

import logging

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.pseudonyms import pseudonym

log = logging.getLogger(__name__)


class ChatLimits:
    def __init__(self, storage_uri: str, per_id: str, per_address: str, cases_per_address: str) -> None:
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.per_id, self.per_address = parse(per_id), parse(per_address)
        self.cases_per_address = parse(cases_per_address)

    def allow_message(self, address: str, sender: str) -> bool:
        # Counted under pseudonyms: the counters (in Redis, say) never hold an id or an address.
        by_id = self._hit(self.per_id, "chat-id", pseudonym(sender))
        by_address = self._hit(self.per_address, "chat-address", pseudonym(address))
        return by_id and by_address

    def allow_case(self, address: str) -> bool:
        return self._hit(self.cases_per_address, "case-address", pseudonym(address))

    def _hit(self, limit, *keys: str) -> bool:
        try:
            return self.limiter.hit(limit, *keys)
        except Exception as error:   # the storage's own errors (redis.ConnectionError, ...)
            log.warning("rate-limit storage unreachable, letting the message through: %s", type(error).__name__)
            return True
