// Package appserver emulates the REST surface of an OpenHands app-server
// (the V1 API under /api/v1 that OpenHands Cloud and a self-hosted
// OpenHands serve), in process, with an agent-server emulator (package
// sim/agentserver) behind every running sandbox. Tests, benchmarks and
// `ohdash demo` use it with no network.
//
// What it follows, by upstream file (OpenHands/OpenHands, read 2025-2026):
//
//   - openhands/app_server/sandbox/sandbox_router.py: GET /sandboxes/search
//     (page_id, limit 1..100), GET /sandboxes?id=… (more than 100 ids is a
//     400, a missing sandbox is null), POST /sandboxes?sandbox_spec_id=,
//     POST /sandboxes/{id}/pause|resume and DELETE /sandboxes/{id}, which
//     answer {"success":true} or 404. The DELETE route names its path
//     parameter {id} while the handler reads sandbox_id, so FastAPI takes
//     sandbox_id from the query string: without ?sandbox_id= it answers
//     422. The emulator does the same.
//   - openhands/app_server/sandbox/docker_sandbox_service.py search_sandboxes:
//     newest first, next_page_id is a stringified offset, and a page_id
//     that is not an integer starts from the beginning (no error).
//     session_api_key and exposed_urls are null unless RUNNING.
//   - openhands/app_server/sandbox/sandbox_spec_router.py: GET
//     /sandbox-specs/search and GET /sandbox-specs?id=….
//   - openhands/app_server/app_conversation/app_conversation_router.py and
//     sql_app_conversation_info_service.py: GET /app-conversations/search
//     with title__contains, created_at__gte/__lt, updated_at__gte/__lt,
//     page_id (offset; unparsable = 0), limit (1..100, one extra row read
//     to decide next_page_id), include_sub_conversations (default false:
//     sub-conversations are left out); default order CREATED_AT_DESC.
//     GET /app-conversations/count; GET /app-conversations?ids=… (the
//     router asserts fewer than 100 ids: 100 or more is a 500).
//     POST /app-conversations answers the start task (status WORKING); the
//     start-task routes /start-tasks/search and /start-tasks?ids=….
//   - app_conversation_models.py: AppConversation fields, the start-task
//     statuses WORKING, WAITING_FOR_SANDBOX, PREPARING_REPOSITORY,
//     RUNNING_SETUP_SCRIPT, SETTING_UP_GIT_HOOKS, SETTING_UP_SKILLS,
//     STARTING_CONVERSATION, READY, ERROR; conversation ids are 32-hex.
//   - Authentication: openhands/app_server/utils/dependencies.py (a
//     self-hosted app-server started with SESSION_API_KEY refuses every
//     /api/v1 call whose X-Session-API-Key header differs, with 401) and
//     enterprise/server/auth/saas_user_auth.py (Cloud takes the API key
//     from "Authorization: Bearer", else X-Session-API-Key, else
//     X-Access-Token). The emulator accepts the key in any of the three.
//
// Where it guesses (no upstream source says):
//
//   - The agent-server of a sandbox is reachable under
//     {public url}/agent/{sandbox id}, like upstream's SANDBOX_PROXY_AGENT
//     mode; the real path uses a short id.
//   - A conversation's updated_at moves whenever its execution status or
//     cost changes (upstream stores what the agent-server's webhooks send;
//     when exactly it bumps last_updated_at was not confirmed).
//   - metrics are the "agent" usage of the agent-server's stats (upstream's
//     update_conversation_statistics reads usage_to_metrics["agent"]); the
//     agent-server emulator names that usage "default", which is used
//     when "agent" is absent.
//   - A start task moves one status per Config.StepDelay, and a sandbox
//     started by POST /sandboxes is STARTING for Config.StartDelay.
//   - How an ERROR start task words its detail.
package appserver
