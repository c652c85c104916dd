//! The protocol arm of the loop-closing ops: releases, the outbox, ratings, stats and trends.

use chrono::{DateTime, Utc};

use super::LoopResult;
#[cfg(feature = "releases")]
use super::{confirm_fix, release, release_notes};
use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::Error;
#[cfg(feature = "releases")]
use crate::outbox;
use crate::protocol::{Op, OpResult};
use crate::rating;
#[cfg(feature = "stats")]
use crate::stats::{self, Period};
use crate::store::Store;

#[cfg(feature = "stats")]
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
        #[cfg(feature = "releases")]
        Op::Release {
            version,
            date,
            cases,
            defects,
        } => OpResult::Release {
            release: release(book, who, version, *date, cases, defects, now)?,
        },
        #[cfg(feature = "releases")]
        Op::ReleaseNotes { version } => OpResult::ReleaseNotes {
            release_notes: release_notes(book, who, version)?,
        },
        #[cfg(feature = "releases")]
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
        #[cfg(feature = "releases")]
        Op::Notifications { limit } => OpResult::Notifications {
            notifications: outbox::notifications(book, who, *limit, now)?,
        },
        #[cfg(feature = "releases")]
        Op::Ack { ids } => OpResult::Acked {
            acked: outbox::ack(book, who, ids, now)?,
        },
        #[cfg(feature = "releases")]
        Op::Subscribe { tag, component, on } => OpResult::Subscribed {
            subscription: outbox::subscribe(book, who, tag.as_deref(), component.as_deref(), *on)?,
        },
        #[cfg(feature = "releases")]
        Op::Broadcast {
            component,
            message,
            public,
        } => OpResult::Broadcast {
            broadcast: outbox::broadcast(book, who, component, message, *public, now)?,
        },
        #[cfg(feature = "releases")]
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
        #[cfg(feature = "stats")]
        Op::Stats { period, filter } => {
            staff(who, "stats")?;
            OpResult::Stats {
                stats: Box::new(stats::stats(book, &Period::parse(period)?, filter)?),
            }
        }
        #[cfg(feature = "stats")]
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
