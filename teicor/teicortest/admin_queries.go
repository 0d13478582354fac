package teicortest

// CreateQuery saves a query. ownedByApp false makes it a query of another
// app, which list_queries returns only with include_all=true.
func (s *Server) CreateQuery(name, groupID string, def QueryDef, ownedByApp bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		return "", errBadRequest("missing query name")
	}
	if _, _, _, _, err := s.data.checkQueryDef(def); err != nil {
		return "", err
	}
	now := s.clock.Now()
	q := &query{
		id: s.data.newID("qry"), name: name, groupID: groupID, def: cloneDef(def),
		ownedByApp: ownedByApp, createdAt: now, updatedAt: now, defSeq: s.data.nextSeq(),
	}
	s.data.queries[q.id] = q
	s.data.queryOrder = append(s.data.queryOrder, q)
	return q.id, nil
}

func cloneDef(def QueryDef) QueryDef {
	def.Columns = append([]string(nil), def.Columns...)
	def.Filter = append([]byte(nil), def.Filter...)
	def.Sort = append([]byte(nil), def.Sort...)
	return def
}

// UpdateQuery replaces a query's definition, which advances its
// updated_at and watermark.
func (s *Server) UpdateQuery(queryID string, def QueryDef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.data.queryByID(queryID)
	if err != nil {
		return err
	}
	if _, _, _, _, err := s.data.checkQueryDef(def); err != nil {
		return err
	}
	q.def = cloneDef(def)
	q.updatedAt, q.defSeq = s.clock.Now(), s.data.nextSeq()
	return nil
}

// DeleteQuery deletes a saved query.
func (s *Server) DeleteQuery(queryID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.data.queryByID(queryID); err != nil {
		return err
	}
	delete(s.data.queries, queryID)
	order := s.data.queryOrder[:0]
	for _, q := range s.data.queryOrder {
		if q.id != queryID {
			order = append(order, q)
		}
	}
	s.data.queryOrder = order
	return nil
}
