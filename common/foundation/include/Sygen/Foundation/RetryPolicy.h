//
// RetryPolicy.h
//
// Library: Sygen/Foundation
//
// How often and how long outbound deliveries (Telegram, Matrix, the result
// callback) wait and retry, with an injectable, cancellable sleep so that tests
// never sleep for real and a shutting-down process is not held up by a backoff.
//

#ifndef Sygen_Foundation_RetryPolicy_INCLUDED
#define Sygen_Foundation_RetryPolicy_INCLUDED

#include <Poco/Timespan.h>
#include <functional>
#include <string>

namespace Sygen {

struct RetryPolicy
/// A plain value; copy freely. The sleep function is called from the thread that
/// delivers, so it must be safe to call from there (the default is).
{
	using Sleeper = std::function<bool(const Poco::Timespan&)>;
	/// Waits for the given time. Returns false when the wait was cancelled (the
	/// process is stopping): the caller then gives up at once.

	int maxAttempts = 5;
	/// Attempts per message, the first one included (>= 1).

	Poco::Timespan initialDelay = Poco::Timespan(1, 0);
	/// Wait before the second attempt; doubled before each further one.

	Poco::Timespan maxDelay = Poco::Timespan(60, 0);
	/// Cap of the exponential wait.

	Poco::Timespan maxServerDelay = Poco::Timespan(300, 0);
	/// The longest wait a server may ask for (Telegram's retry_after, Matrix's
	/// retry_after_ms, Retry-After). A longer request is not honoured: the
	/// message is given up, as holding a delivery thread for longer would
	/// stall everything queued behind it.

	Sleeper sleep;
	/// Empty: a real, uncancellable sleep.

	Poco::Timespan backoff(int failedAttempts) const;
	/// The wait after failedAttempts (>= 1) failures: initialDelay * 2^(n-1),
	/// capped at maxDelay.

	bool wait(const Poco::Timespan& delay) const;
	/// Sleeps with sleep (or for real). Returns false when cancelled.

	struct Attempt
	/// What one try of a delivery gave.
	{
		enum Result
		{
			DELIVERED, ///< done.
			RETRY,     ///< transient failure (no response, 5xx, 429): try again.
			FAILED     ///< permanent failure (e.g. 4xx): do not try again.
		};
		Result result = FAILED;
		Poco::Timespan serverDelay; ///< RETRY: the wait the server asked for (0: none).
		std::string description;    ///< for the log; never a secret.
	};

	using AttemptFunction = std::function<Attempt(int attempt)>;
	/// Makes try number attempt (1-based).
	using FailureFunction = std::function<void(const Attempt& failure, int attempt, bool final)>;
	/// Told about each failed try; final is true when no further try follows.

	bool run(const AttemptFunction& attempt, const FailureFunction& onFailure) const;
	/// Tries until DELIVERED, FAILED, maxAttempts tries, a server delay longer
	/// than maxServerDelay, or a cancelled wait. Between tries it waits the
	/// server's delay when one was given, else backoff(). Returns true when
	/// delivered. Exceptions of attempt propagate.
};

} // namespace Sygen

#endif // Sygen_Foundation_RetryPolicy_INCLUDED
