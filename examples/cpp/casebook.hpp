// A small RAII wrapper over the Casebook C API for C++17 hosts: handles and strings are freed by
// destructors, failures become casebook::Error exceptions carrying the status and the detail.
#ifndef CASEBOOK_HPP
#define CASEBOOK_HPP

#include <casebook.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cb {

/// A failed call: the status, its name ("not_found") and the detailed message.
class Error : public std::runtime_error {
public:
    Error(casebook_status status, const std::string &message)
        : std::runtime_error(std::string(casebook_status_name(status)) + ": " + message),
          status_(status) {}
    casebook_status status() const noexcept { return status_; }

private:
    casebook_status status_;
};

/// A borrowed text for the C API.
inline casebook_str str(std::string_view s) noexcept { return casebook_str{s.data(), s.size()}; }

/// Who acts; owns its strings so the casebook_actor stays valid.
struct Actor {
    casebook_role role = CASEBOOK_ROLE_CUSTOMER;
    std::string id, org, email, name, token;

    casebook_actor c() const noexcept {
        auto opt = [](const std::string &s) { return s.empty() ? casebook_str{nullptr, 0} : str(s); };
        return casebook_actor{static_cast<uint32_t>(role), opt(id), opt(org), opt(email), opt(name),
                              opt(token)};
    }
};

/// An open casebook. Movable, not copyable; closed by the destructor. Safe to share by reference
/// across threads (the library serialises calls on one handle).
class Casebook {
public:
    explicit Casebook(std::string_view path) {
        casebook *raw = nullptr;
        check(casebook_open(path.data(), path.size(), &raw), nullptr);
        handle_.reset(raw);
    }

    /// Runs one protocol request; returns the response line (which may say "ok":false).
    std::string execute(std::string_view request) {
        char *out = nullptr;
        check(casebook_execute(handle_.get(), request.data(), request.size(), &out), handle_.get());
        return take(out);
    }

    /// Reports a problem; returns the new case as JSON.
    std::string report(const Actor &who, std::string_view description,
                       const std::vector<std::pair<std::string, std::string>> &diagnostics = {}) {
        std::vector<casebook_diagnostic> diags;
        for (const auto &kv : diagnostics) diags.push_back({str(kv.first), str(kv.second)});
        casebook_report_input input{};
        input.description = str(description);
        input.diagnostics = diags.empty() ? nullptr : diags.data();
        input.diagnostics_len = diags.size();
        casebook_actor actor = who.c();
        char *out = nullptr;
        check(casebook_report(handle_.get(), &actor, &input, &out), handle_.get());
        return take(out);
    }

    /// The actor's cases, newest first, as {"cases":[...],"next":...}.
    std::string list_mine(const Actor &who, bool open_only = false, std::string_view cursor = {},
                          size_t limit = 0) {
        casebook_actor actor = who.c();
        casebook_str c = cursor.empty() ? casebook_str{nullptr, 0} : str(cursor);
        char *out = nullptr;
        check(casebook_list_mine(handle_.get(), &actor, open_only, c, limit, &out), handle_.get());
        return take(out);
    }

    /// One case with its timeline, as JSON.
    std::string get(const Actor &who, std::string_view case_ref) {
        casebook_actor actor = who.c();
        char *out = nullptr;
        check(casebook_get(handle_.get(), &actor, case_ref.data(), case_ref.size(), &out),
              handle_.get());
        return take(out);
    }

private:
    struct Free {
        void operator()(casebook *b) const noexcept { casebook_free(b); }
    };
    struct FreeString {
        void operator()(char *s) const noexcept { casebook_string_free(s); }
    };
    using Owned = std::unique_ptr<char, FreeString>;

    static std::string take(char *s) {
        Owned owned(s);
        return std::string(owned.get());
    }

    static void check(casebook_status status, casebook *book) {
        if (status == CASEBOOK_OK) return;
        std::string detail = casebook_status_message(status);
        uint32_t last = 0;
        char *message = nullptr;
        if (book != nullptr && casebook_last_error(book, &last, &message) == CASEBOOK_OK) {
            Owned owned(message);
            if (last == status && owned.get()[0] != '\0') detail = owned.get();
        }
        throw Error(status, detail);
    }

    std::unique_ptr<casebook, Free> handle_;
};

}  // namespace cb

#endif
