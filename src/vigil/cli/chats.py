"""`vigil chats ls|search|import --case NAME` and `vigil watchlist add|ls`: the chat exports
of a case, full-text search over their messages, and the agency's watch-lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.cli.app import app, case_or_exit, console, fail, start_django

chats_app = typer.Typer(help="Chat exports of a case: list, search, import.")
app.add_typer(chats_app, name="chats")
watchlist_app = typer.Typer(help="Watch-lists: keywords and patterns that flag messages.")
app.add_typer(watchlist_app, name="watchlist")

CaseOption = Annotated[str, typer.Option("--case", help="Case name")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON")]


@chats_app.command("ls")
def ls_command(case: CaseOption, as_json: JsonOption = False) -> None:
    """List the conversations of a case with their platform, size, time span and export."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.records.chats.models import Conversation

    case_row = case_or_exit(case)
    rows = [
        _conversation_document(conversation)
        for conversation in Conversation.objects.filter(case=case_row)
        .select_related("export__item")
        .order_by("pk")
    ]
    record("chats.list", actor=cli_actor(), case_name=case, purpose="cli listing",
           details={"conversations": len(rows)})  # fmt: skip
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows):,} conversations in {case}")
    for column in ("id", "platform", "title", "kind", "messages", "first (UTC)", "last (UTC)",
                   "export"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["platform"],
            row["title"],
            row["kind"],
            f"{row['messages']:,}",
            (row["first_at"] or "")[:16],
            (row["last_at"] or "")[:16],
            row["export_path"],
        )
    console.print(table)


@chats_app.command("search")
def search_command(
    case: CaseOption,
    query: Annotated[
        str, typer.Argument(help='Words (all must occur) or "a phrase"; word* for a prefix')
    ],
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many")] = 200,
) -> None:
    """Full-text search over the messages of a case."""
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.chats.importing.queries import search_messages

    case_row = case_or_exit(case)
    found = list(search_messages(case_row, query)[:limit])
    # The query is the investigator's, not evidence: it is audited with the view it gave.
    record("chats.search", actor=cli_actor(), case_name=case, purpose="cli search",
           details={"query": query, "results": len(found)})  # fmt: skip
    rows = [_message_document(message) for message in found]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows):,} messages matching in {case}")
    for column in ("conversation", "id", "sent (UTC)", "sender", "lang", "text"):
        table.add_column(column, overflow="fold")
    for row in rows:
        sent = (row["sent_at"] or "")[:19] + (" (local)" if row["time_is_local"] else "")
        table.add_row(
            str(row["conversation"]),
            row["platform_id"],
            sent,
            row["sender"] or "",
            row["language"],
            row["text"],
        )
    console.print(table)


@chats_app.command("import")
def import_command(case: CaseOption) -> None:
    """Import the case's chat exports not imported yet (triage does this by itself)."""
    start_django()
    from vigil.audit.log import cli_actor
    from vigil.chats.importing.importer import import_case_chats
    from vigil.pipeline.service import instance_store

    case_row = case_or_exit(case)
    summary = import_case_chats(case_row, instance_store(), actor=cli_actor())
    if not summary.exports and not summary.duplicates:
        console.print("No chat export left to import.")
        return
    console.print(
        f"Imported {summary.exports} export(s): {summary.conversations:,} conversations, "
        f"{summary.messages:,} messages, {summary.attachments_linked:,} attachments linked, "
        f"{summary.entity_mentions:,} entity mentions, {summary.watch_hits:,} watch-list hits, "
        f"{summary.warnings:,} warnings ({summary.seconds:.1f} s)"
        + (f"; {summary.duplicates} duplicate export(s) skipped" if summary.duplicates else "")
    )


@watchlist_app.command("add")
def watchlist_add(
    path: Annotated[Path, typer.Argument(help="YAML or CSV file of terms")],
    name: Annotated[str, typer.Option("--name", help="Name of the list (replaced if it exists)")],
    description: Annotated[str, typer.Option("--description", help="What the list is for")] = "",
) -> None:
    """Add a watch-list, or replace the terms of one (its version goes up)."""
    if not path.is_file():
        raise fail(f"{path} is not a file")
    start_django()
    from vigil.audit.log import cli_actor, record
    from vigil.chats.importing.watchlists import read_terms, save_list
    from vigil.chats.watchlist import WatchListError

    try:
        terms = read_terms(path)
    except (WatchListError, OSError, UnicodeDecodeError) as error:
        raise fail(str(error)) from None
    actor = cli_actor()
    watch_list = save_list(name, terms, actor=actor, description=description)
    record("watchlist.save", actor=actor,
           details={"name": name, "version": watch_list.version, "terms": len(terms)})  # fmt: skip
    console.print(
        f"Watch-list [bold]{name}[/bold] version {watch_list.version}: {len(terms)} terms. "
        "It applies to chat exports imported from now on."
    )


@watchlist_app.command("ls")
def watchlist_ls(as_json: JsonOption = False) -> None:
    """List the watch-lists with their version and number of terms."""
    start_django()
    from django.db.models import Count

    from vigil.records.chats.models import WatchList

    rows: list[dict[str, Any]] = [
        {
            "name": row.name,
            "description": row.description,
            "version": row.version,
            "terms": row.count,
            "created_by": row.created_by,
            "updated_at": row.updated_at.isoformat(),
        }
        for row in WatchList.objects.annotate(count=Count("terms")).order_by("name")
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} watch-lists")
    for column in ("name", "version", "terms", "description", "updated (UTC)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["name"], str(row["version"]), str(row["terms"]), row["description"],
                      row["updated_at"][:16])  # fmt: skip
    console.print(table)


def _conversation_document(conversation: Any) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "platform": conversation.platform,
        "platform_id": conversation.platform_id,
        "title": conversation.title,
        "kind": conversation.kind,
        "messages": conversation.message_count,
        "first_at": conversation.first_at.isoformat() if conversation.first_at else None,
        "last_at": conversation.last_at.isoformat() if conversation.last_at else None,
        "export_item": conversation.export.item_id,
        "export_path": conversation.export.item.path,
        "export_warnings": conversation.export.warning_count,
    }


def _message_document(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "platform_id": message.platform_id,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        "time_is_local": message.time_is_local,
        "sender": message.sender.display_name if message.sender_id else None,
        "sender_id": message.sender.platform_id if message.sender_id else None,
        "language": message.language,
        "text": message.text,
        "reply_to": message.reply_to,
        "forwarded_from": message.forwarded_from,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
    }
