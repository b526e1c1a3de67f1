// The ECS model has a Task shape; in this assembly "Task" always means System.Threading.Tasks.Task.
global using Task = System.Threading.Tasks.Task;
