//! The protocol arm of the loop-closing ops: releases, the outbox, ratings, stats and trends.

use chrono::{DateTime, Utc};

use super::{LoopResult, confirm_fix, release, release_notes};
use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::Error;
use crate::protocol::{Op, OpResult};
use crate::stats::Period;
use crate::store::Store;
use crate::{outbox, rating, stats};

fn staff(actor: &Actor, what: &str) -> LoopResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(Error::forbidden(what, actor.role, "metrics and trends are for staff").into())
    }
}

/// Runs one of the loop-closing ops for an authenticated actor.
pub fn dispatch<S: Store>(
    book: &mut Casebook<S>,
    op: &Op,
    who: &Actor,
    now: DateTime<Utc>,
) -> LoopResult<OpResult> {
    Ok(match op {
        Op::Release {
            version,
            date,
            cases,
            defects,
        } => OpResult::Release {
            release: release(book, who, version, *date, cases, defects, now)?,
        },
        Op::ReleaseNotes { version } => OpResult::ReleaseNotes {
            release_notes: release_notes(book, who, version)?,
        },
        Op::ConfirmFix {
            case,
            works,
            comment,
        } => {
            let id = confirm_fix(book, who, case, *works, comment.as_deref(), now)?;
            OpResult::Case {
                case: Box::new(book.view_case(&id.to_string(), who)?),
            }
        }
        Op::Notifications { limit } => OpResult::Notifications {
            notifications: outbox::notifications(book, who, *limit, now)?,
        },
        Op::Ack { ids } => OpResult::Acked {
            acked: outbox::ack(book, who, ids, now)?,
        },
        Op::Subscribe { tag, component, on } => OpResult::Subscribed {
            subscription: outbox::subscribe(book, who, tag.as_deref(), component.as_deref(), *on)?,
        },
        Op::Broadcast {
            component,
            message,
            public,
        } => OpResult::Broadcast {
            broadcast: outbox::broadcast(book, who, component, message, *public, now)?,
        },
        Op::AtomFeed { component } => OpResult::AtomFeed {
            atom: outbox::atom_feed(book, component.as_deref()),
        },
        Op::Rate {
            token,
            rating: r,
            comment,
        } => OpResult::Rated {
            rated: rating::rate(book, who, token, *r, comment.as_deref(), now)?,
        },
        Op::Stats { period, filter } => {
            staff(who, "stats")?;
            OpResult::Stats {
                stats: Box::new(stats::stats(book, &Period::parse(period)?, filter)?),
            }
        }
        Op::Trends {
            period,
            baseline_periods,
        } => {
            staff(who, "trends")?;
            OpResult::Trends {
                trends: stats::trends(book, &Period::parse(period)?, *baseline_periods)?,
            }
        }
        _ => {
            return Err(Error::Unsupported("this operation in the loop dispatcher".into()).into());
        }
    })
}
