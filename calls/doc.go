// Package calls is MediaDesk's call history: the CometChat Calls SDK's
// model (CallLog, CallUser, CallGroup, Participant, Recording), requests
// with the SDK's filters and FetchNext/FetchPrevious paging, an embedded
// SQLite store as the default source, and sync from the CometChat Calls
// REST API.
//
// The shortest real use:
//
//	st, err := calls.OpenStore(ctx, calls.DefaultStorePath())
//	if err != nil {
//		return err
//	}
//	defer st.Close()
//	req, err := calls.NewRequest(st, calls.Filter{Limit: 30, CallType: "video"})
//	if err != nil {
//		return err
//	}
//	page, err := req.FetchNext(ctx) // newest first; empty at the end
//
// This package never imports Fyne.
package calls
