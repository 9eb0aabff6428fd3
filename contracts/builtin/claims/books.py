"""Policy books: a season's premium and payouts per insurer, and the government's loss share.

A book is the consortium's ring-fenced account for one season (docs/domain.md 3.1,
共保体). Its premium grows as policies become active and its payouts as claims
are paid. The government's share follows the layer table (C9); settling it
closes the book to new policies, so the premium is fixed from then on and the
share can only grow: a later settlement pays only the difference.
"""

from __future__ import annotations

from contracts.builtin.claims import programmes
from contracts.builtin.claims.errors import (
    BookClosed,
    BookInsurerMismatch,
    BookNotFound,
    NothingToSettle,
)
from contracts.builtin.claims.models import BookArgs, ClaimsParams
from contracts.builtin.claims.payout import Layer, LossSplit, share_losses
from contracts.builtin.claims.records import Book
from contracts.context import Context, ReadContext


def book_key(book_id: str) -> str:
    return f"book/{book_id}"


def load_book(ctx: ReadContext, book_id: str) -> Book:
    return ctx.require(Book, book_key(book_id), BookNotFound, book_id)


def open_book(ctx: Context, book_id: str, insurer: str) -> None:
    """Create the book on its first policy; later policies must name the same insurer."""
    book = ctx.load(Book, book_key(book_id))
    if book is None:
        ctx.save(book_key(book_id), Book(id=book_id, insurer=insurer))
        return
    if book.insurer != insurer:
        raise BookInsurerMismatch(
            f"book {book_id} belongs to {book.insurer}, not {insurer}",
            book=book_id, insurer=book.insurer,
        )
    if book.closed:
        raise BookClosed(f"book {book_id} is settled and takes no new policies", book=book_id)


def add_premium(ctx: Context, book_id: str, amount: int) -> None:
    book = load_book(ctx, book_id)
    if book.closed:
        raise BookClosed(f"book {book_id} is settled and takes no new premium", book=book_id)
    book.premium += amount
    ctx.save(book_key(book_id), book)


def remove_premium(ctx: Context, book_id: str, amount: int) -> None:
    """A cancellation's refund leaves the book; a settled book's premium is fixed."""
    if not amount:
        return
    book = load_book(ctx, book_id)
    if book.closed:
        raise BookClosed(f"book {book_id} is settled: its premium cannot be refunded",
                         book=book_id)
    book.premium -= amount
    ctx.save(book_key(book_id), book)


def add_paid(ctx: Context, book_id: str, amount: int) -> None:
    book = load_book(ctx, book_id)
    book.paid += amount
    ctx.save(book_key(book_id), book)


def layers(params: ClaimsParams) -> list[Layer]:
    return [Layer(x.up_to_bp, x.government, x.consortium) for x in params.consortium_layers]


def split_of(params: ClaimsParams, book: Book) -> LossSplit:
    return share_losses(book.premium, book.paid, layers(params))


def settle_government_share(ctx: Context, params: ClaimsParams, args: BookArgs) -> None:
    """Pay the government's outstanding loss share to the insurer from a loss-share
    budget programme of the loss-sharing level (C17)."""
    book = load_book(ctx, args.book)
    due = split_of(params, book).government - book.government_settled
    if due <= 0:
        raise NothingToSettle(
            f"book {book.id}: government share already settled ({book.government_settled} fen)",
            book=book.id, settled=book.government_settled,
        )
    programmes.spend(ctx, params, args.programme, level=params.loss_sharing_level,
                     purpose="loss_share", amount=due, target=book.insurer,
                     memo=f"loss share {book.id}")
    book.government_settled += due
    book.settled_from[args.programme] = book.settled_from.get(args.programme, 0) + due
    book.closed = True
    ctx.save(book_key(book.id), book)
    ctx.emit("GovernmentShareSettled", book=book.id, amount=due, total=book.government_settled)
