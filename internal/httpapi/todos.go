package httpapi

import (
	"context"
	"net/http"

	"govchat/internal/auth"
	"govchat/protocol"
)

// To-dos (待办): PROTOCOL.md §4.22. The service decides who may see and do what.

func (a *API) listTodos(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.todos.List(r.Context(), principalFrom(r.Context()))
	return http.StatusOK, out, err
}

func (a *API) assignedTodos(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	out, err := a.todos.Assigned(r.Context(), principalFrom(r.Context()))
	return http.StatusOK, out, err
}

func (a *API) createTodo(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := bodyOf[protocol.CreateTodoRequest](w, r)
	if err != nil {
		return 0, nil, err
	}
	out, err := a.todos.Create(r.Context(), principalFrom(r.Context()), req)
	return http.StatusCreated, out, err
}

// todoStep answers GET, DELETE, …/done and …/reopen of one to-do: the path's id, no body.
func (a *API) todoStep(r *http.Request, fn func(ctx context.Context, p auth.Principal, id int64) (protocol.Todo, error)) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := fn(r.Context(), principalFrom(r.Context()), id)
	return http.StatusOK, out, err
}

func (a *API) getTodo(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.todoStep(r, a.todos.Get)
}

func (a *API) todoDone(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.todoStep(r, a.todos.Done)
}

func (a *API) reopenTodo(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.todoStep(r, a.todos.Reopen)
}

func (a *API) cancelTodo(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.todoStep(r, a.todos.Cancel)
}
